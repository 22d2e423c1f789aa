import {
  CAN_SINGLE_FRAME_BYTES,
  encodePid,
  formatBytes,
  mode01Reply,
  mode03Reply,
  monitorStatusPid,
  noDataReply,
  type ElmStyle,
  type PidName,
} from './elm327-encoder.js';
import type { Random } from './random.js';
import type { VehicleSnapshot } from './vehicle-sim.js';

/** How one dongle talks: adapters and their firmware differ, and each stays as it is. */
export interface AdapterProfile {
  style: ElmStyle;
  /** Asks for several PIDs per request; the ECU answers them in one CAN message. */
  multiPid: boolean;
  /** Share of requests that time out with NO DATA (a busy bus, a slow ECU). */
  noDataRate: number;
}

/** Driving values, read every sample. */
const FAST_PIDS: readonly PidName[] = [
  'rpm',
  'speed',
  'engineLoad',
  'throttle',
  'maf',
  'fuelRate',
  'coolantTemp',
  'controlModuleVoltage',
];
/** Slow-moving values, read every SLOW_EVERY_SECONDS. */
const SLOW_PIDS: readonly PidName[] = [
  'intakeTemp',
  'ambientTemp',
  'fuelLevel',
  'runTime',
  'intakePressure',
  'oilTemp',
  'shortFuelTrim',
  'longFuelTrim',
  'timingAdvance',
  'barometricPressure',
  'distanceSinceClear',
];
export const SLOW_EVERY_SECONDS = 10;
/** Mode 03 (stored trouble codes) polling period; also read on the first sample. */
export const DTC_EVERY_SECONDS = 30;

/** Occasional quirks that make the frames look like a real adapter's, not a formatter's. */
const QUIRKS = { flipSpacing: 0.03, lowercase: 0.01, promptSuffix: 0.02 };

export function randomAdapterProfile(random: Random): AdapterProfile {
  return {
    style: { spaces: random.chance(0.8), lowercase: random.chance(0.05) },
    multiPid: random.chance(0.3),
    noDataRate: random.between(0.005, 0.02),
  };
}

const VALUE_OF: Record<PidName, (s: VehicleSnapshot) => number> = {
  engineLoad: (s) => s.load,
  coolantTemp: (s) => s.coolant,
  shortFuelTrim: (s) => s.shortFuelTrim,
  longFuelTrim: (s) => s.longFuelTrim,
  intakePressure: (s) => s.intakePressure,
  rpm: (s) => s.rpm,
  speed: (s) => s.speed,
  timingAdvance: (s) => s.timingAdvance,
  intakeTemp: (s) => s.intake,
  maf: (s) => s.maf,
  throttle: (s) => s.throttle,
  runTime: (s) => s.runTime,
  distanceMilOn: (s) => s.distanceMilOn,
  fuelLevel: (s) => s.fuelLevel,
  distanceSinceClear: (s) => s.distanceSinceClear,
  barometricPressure: (s) => s.barometric,
  controlModuleVoltage: (s) => s.voltage,
  ambientTemp: (s) => s.ambient,
  oilTemp: (s) => s.oil,
  fuelRate: (s) => s.fuelRate,
};

/**
 * An OBD dongle polling at `hz`: turns a snapshot into the ELM327 replies it would print
 * (CAN, headers off), such as "41 0C 1A F8", "410D32", "43 01 03 01" or "NO DATA".
 */
export class ObdDevice {
  private readonly slowEvery: number;
  private readonly dtcEvery: number;

  constructor(
    private readonly random: Random,
    readonly profile: AdapterProfile,
    hz: number,
  ) {
    this.slowEvery = Math.max(1, Math.round(SLOW_EVERY_SECONDS * hz));
    this.dtcEvery = Math.max(1, Math.round(DTC_EVERY_SECONDS * hz));
  }

  /** The replies of the `index`-th polling round (from 0). */
  read(snapshot: VehicleSnapshot, index: number): string[] {
    const pids: number[][] = FAST_PIDS.map((name) => encodePid(name, VALUE_OF[name](snapshot)));
    if (index % this.slowEvery === 0) {
      pids.push(...SLOW_PIDS.map((name) => encodePid(name, VALUE_OF[name](snapshot))));
      if (snapshot.mil) pids.push(encodePid('distanceMilOn', snapshot.distanceMilOn));
      pids.push(monitorStatusPid({ mil: snapshot.mil, dtcCount: snapshot.dtcs.length }));
    }
    const frames = this.group(pids).map((group) => this.print(mode01Reply(group)));
    if (index % this.dtcEvery === 0) {
      // A dongle asks again at once when the trouble-code read times out: codes matter more
      // than one more engine-speed value.
      const reply = mode03Reply(snapshot.dtcs);
      if (this.timesOut()) frames.push(this.print(reply, true));
      frames.push(this.print(reply, false));
    }

    // The adapter's protocol search prints before the first answer after it powers up.
    if (index === 0 && frames.length > 0) frames[0] = `SEARCHING...\r${frames[0]}`;
    return frames;
  }

  /** One PID per message, or as many as fit in one CAN frame when the dongle asks for several. */
  private group(pids: number[][]): number[][][] {
    if (!this.profile.multiPid) return pids.map((pid) => [pid]);
    const groups: number[][][] = [];
    let size = CAN_SINGLE_FRAME_BYTES;
    for (const pid of pids) {
      if (size + pid.length > CAN_SINGLE_FRAME_BYTES - 1) {
        groups.push([]);
        size = 0;
      }
      groups[groups.length - 1].push(pid);
      size += pid.length;
    }
    return groups;
  }

  private timesOut(): boolean {
    return this.random.chance(this.profile.noDataRate);
  }

  private print(bytes: number[], timedOut = this.timesOut()): string {
    const base = this.profile.style;
    const style: ElmStyle = {
      spaces: this.random.chance(QUIRKS.flipSpacing) ? !base.spaces : base.spaces,
      lowercase: base.lowercase || this.random.chance(QUIRKS.lowercase),
    };
    const text = timedOut ? noDataReply(style) : formatBytes(bytes, style);
    return this.random.chance(QUIRKS.promptSuffix) ? `${text}\r\r>` : text;
  }
}
