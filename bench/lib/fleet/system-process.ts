import '../production-mode.js';
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchSystem, type BenchSystem } from '../bench-system.js';
import { childrenCpuSeconds } from '../cpu.js';
import { storedReadings } from '../telemetry/stored-readings.js';
import { serveWorker } from '../worker.js';
import { CommandTally } from './command-tally.js';
import { childrenRssMb } from './process-memory.js';
import { figures, histogramSeries, type StepFigures } from './ingest-steps.js';
import type { SystemRequest, SystemSample, SystemStarted } from './messages.js';

/*
 * The system under bench:fleet, in a process of its own: the dongles' HTTP clients must not
 * share its event loop, or their own work would show up as the system's delay. It answers the
 * bench's requests: start, a sample of its own figures since the last one, a count of stored
 * readings, stop. Node flags given to this process (--cpu-prof) profile the system alone.
 */

let bench: BenchSystem | undefined;
let commands: CommandTally | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let last = { at: 0, cpu: process.cpuUsage(), databaseCpu: 0 as number | undefined };

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

function start(overrides: Record<string, string>, monitorCommands: boolean): Promise<SystemStarted> {
  return startBenchSystem(overrides, { monitorCommands }).then((started) => {
    bench = started;
    if (monitorCommands)
      commands = new CommandTally(started.system.deps.mongo.client, started.config.MONGODB_DB_PREFIX);
    loopDelay.enable();
    last = {
      at: performance.now(),
      cpu: process.cpuUsage(),
      databaseCpu: started.databasePid ? childrenCpuSeconds(started.databasePid) : undefined,
    };
    return {
      url: started.system.url,
      pid: process.pid,
      databasePid: started.databasePid ?? null,
      database: started.database,
      adminEmail: started.config.ADMIN_EMAIL!,
      adminPassword: started.config.ADMIN_PASSWORD!,
    };
  });
}

/** Figures since the previous sample (CPU in cores: seconds of CPU per second of wall time). */
function sample(): SystemSample {
  const now = performance.now();
  const seconds = (now - last.at) / 1000;
  const databasePid = bench?.databasePid;
  const databaseCpu = databasePid ? childrenCpuSeconds(databasePid) : undefined;
  const cpu = process.cpuUsage(last.cpu);
  const { rss, heapUsed } = process.memoryUsage();
  const result: SystemSample = {
    seconds,
    eventLoopDelayMs: {
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
    },
    systemCores: (cpu.user + cpu.system) / 1e6 / seconds,
    databaseCores:
      databaseCpu === undefined || last.databaseCpu === undefined ? null : (databaseCpu - last.databaseCpu) / seconds,
    systemRssMb: Math.round(rss / 2 ** 20),
    systemHeapMb: Math.round(heapUsed / 2 ** 20),
    databaseRssMb: databasePid ? childrenRssMb(databasePid) : null,
  };
  loopDelay.reset();
  last = { at: now, cpu: process.cpuUsage(), databaseCpu };
  return result;
}

async function metricsText(graphqlUrl: string): Promise<string> {
  const token = bench!.config.METRICS_TOKEN;
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

/** Each step of the uploads so far, then telemetry's and the gateway's whole requests. */
async function steps(): Promise<StepFigures[]> {
  const telemetry = await metricsText(bench!.subgraphUrl('telemetry'));
  const gateway = await metricsText(bench!.system.url);
  // By method: a route mounted by Apollo's middleware is labelled by its inner path, not /graphql.
  // Answered ones only: a refusal at the door (503) takes no time and would pull the mean down.
  const answered = (l: Record<string, string>) => l.status === '200';
  const request = (text: string) =>
    histogramSeries(text, 'http_request_duration_seconds', 'method', answered).get('POST');
  const found = [...histogramSeries(telemetry, 'telemetry_ingest_step_seconds', 'step')].map(([step, s]) =>
    figures(`telemetry step: ${step}`, s),
  );
  const whole = [
    ['telemetry subgraph, POSTs answered 200', request(telemetry)],
    ['gateway, POSTs answered 200', request(gateway)],
  ] as const;
  return [...found, ...whole.flatMap(([name, s]) => (s ? [figures(name, s)] : []))];
}

serveWorker<SystemRequest>(async (request) => {
  switch (request.kind) {
    case 'start':
      return start(request.overrides, request.monitorCommands);
    case 'sample':
      return sample();
    case 'commands':
      return commands?.top(request.top) ?? [];
    case 'steps':
      return steps();
    case 'count-readings':
      return storedReadings(bench!.system.deps.mongo.db('telemetry'), request.vehicleIds);
    case 'stop':
      loopDelay.disable();
      await bench?.stop();
      bench = undefined;
      return null;
  }
});
