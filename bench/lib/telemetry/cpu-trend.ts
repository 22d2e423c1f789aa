import { performance } from 'node:perf_hooks';
import { childrenCpuSeconds, cpuSecondsSince } from '../cpu.js';

/**
 * CPU seconds of the system process and its local database, sampled every second during a
 * load. On a machine shared with other work, throughput moves with whatever else runs, but the
 * CPU each stored reading costs does not: a cost that climbs over a run is the system's own.
 */
export class CpuTrend {
  private readonly samples: { at: number; seconds: number }[] = [];
  private timer?: NodeJS.Timeout;
  private readonly origin = process.cpuUsage();

  constructor(private readonly databasePid?: number) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /**
   * Microseconds of CPU per reading over consecutive windows of `window` seconds of a phase
   * that began `offsetSeconds` after `start` (the warm-up), `perSecond` being its readings.
   */
  perReading(perSecond: readonly number[], offsetSeconds: number, window: number): number[] {
    const t0 = this.samples[0]?.at ?? 0;
    const at = (second: number) => this.cpuAt(t0 + (offsetSeconds + second) * 1000);
    const costs: number[] = [];
    for (let i = 0; i + window <= perSecond.length; i += window) {
      const readings = perSecond.slice(i, i + window).reduce((a, b) => a + b, 0);
      const [from, to] = [at(i), at(i + window)];
      costs.push(readings > 0 && from !== undefined && to !== undefined ? ((to - from) / readings) * 1e6 : NaN);
    }
    return costs;
  }

  private sample(): void {
    const database = this.databasePid === undefined ? 0 : childrenCpuSeconds(this.databasePid);
    if (database === undefined) return;
    this.samples.push({ at: performance.now(), seconds: cpuSecondsSince(this.origin) + database });
  }

  /** CPU seconds at `time`, between the samples around it; undefined outside them. */
  private cpuAt(time: number): number | undefined {
    const after = this.samples.findIndex((s) => s.at >= time);
    if (after < 0) return undefined;
    if (after === 0) return this.samples[0].at - time < 1000 ? this.samples[0].seconds : undefined;
    const [a, b] = [this.samples[after - 1], this.samples[after]];
    return a.seconds + ((b.seconds - a.seconds) * (time - a.at)) / (b.at - a.at);
  }
}
