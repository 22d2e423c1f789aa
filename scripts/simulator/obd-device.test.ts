import { decodeFrame } from '../../subgraphs/telemetry/obd/decode-frame.js';
import {
  DTC_EVERY_SECONDS,
  ObdDevice,
  randomAdapterProfile,
  SLOW_EVERY_SECONDS,
  type AdapterProfile,
} from './obd-device.js';
import type { Fault } from './faults.js';
import { createRandom } from './random.js';
import { VehicleSim } from './vehicle-sim.js';

const PROFILES: Record<string, AdapterProfile> = {
  'spaced, one PID per request': { style: { spaces: true, lowercase: false }, multiPid: false, noDataRate: 0.02 },
  'compact (ATS0), several PIDs per request': {
    style: { spaces: false, lowercase: false },
    multiPid: true,
    noDataRate: 0.02,
  },
  'lower-case clone': { style: { spaces: true, lowercase: true }, multiPid: true, noDataRate: 0.02 },
};

/** Every frame of `seconds` of polling at `hz`, with the snapshot it came from. */
function poll(profile: AdapterProfile, faults: Fault[], seconds: number, hz = 1, seed = 21) {
  const random = createRandom(seed);
  const car = new VehicleSim(random.fork('car'), faults);
  const dongle = new ObdDevice(random.fork('adapter'), profile, hz);
  const rounds = [];
  for (let index = 0; index < seconds * hz; index++) {
    const snapshot = index === 0 ? car.snapshot : car.advance(1 / hz);
    rounds.push({ snapshot, frames: dongle.read(snapshot, index) });
  }
  return rounds;
}

describe('ObdDevice', () => {
  it.each(Object.keys(PROFILES))('prints only frames the server decodes (%s)', (name) => {
    for (const { frames } of poll(PROFILES[name], ['misfire'], 1800)) {
      for (const frame of frames) {
        const decoded = decodeFrame(frame);
        if (!decoded.ok) throw new Error(`"${frame}": ${decoded.reason}`);
        if (decoded.kind === 'status') expect(decoded.status).toBe('NO_DATA');
      }
    }
  });

  it('reports what the car measures: decoded values match the snapshot within resolution', () => {
    for (const { snapshot, frames } of poll(PROFILES['compact (ATS0), several PIDs per request'], [], 900)) {
      const values = new Map<string, number>();
      for (const frame of frames) {
        const decoded = decodeFrame(frame);
        if (decoded.ok && decoded.kind === 'readings') for (const r of decoded.readings) values.set(r.pid, r.value);
      }
      const near = (pid: string, expected: number, tolerance: number) => {
        if (values.has(pid)) expect(Math.abs(values.get(pid)! - expected)).toBeLessThanOrEqual(tolerance);
      };
      near('0C', snapshot.rpm, 0.125);
      near('0D', snapshot.speed, 0.5);
      near('05', snapshot.coolant, 0.5);
      near('42', snapshot.voltage, 0.0005);
      near('10', snapshot.maf, 0.005);
      near('5E', snapshot.fuelRate, 0.025);
      near('2F', snapshot.fuelLevel, 0.2);
    }
  });

  it('reads the driving PIDs every round and the slow ones every 10 s, starting with the first round', () => {
    const rounds = poll(PROFILES['spaced, one PID per request'], [], 60, 2);
    const pidsOf = (frames: string[]) =>
      frames.flatMap((f) => {
        const d = decodeFrame(f);
        return d.ok && d.kind === 'readings' ? d.readings.map((r) => r.pid) : [];
      });
    const slowRounds = rounds.flatMap((r, i) => (pidsOf(r.frames).includes('2F') ? [i] : []));
    const every = SLOW_EVERY_SECONDS * 2;
    expect(slowRounds).toEqual(Array.from({ length: Math.ceil(rounds.length / every) }, (_, k) => k * every));
    expect(rounds.filter((r) => pidsOf(r.frames).includes('0C')).length).toBeGreaterThan(rounds.length * 0.9);
  });

  it('with a misfire, answers Mode 03 with P0301 on the first round and every 30 s, the MIL on', () => {
    const rounds = poll(PROFILES['spaced, one PID per request'], ['misfire'], 120);
    const dtcRounds = rounds.flatMap(({ frames }, i) =>
      frames.some((f) => {
        const d = decodeFrame(f);
        return d.ok && d.kind === 'dtcs' && d.codes.join() === 'P0301';
      })
        ? [i]
        : [],
    );
    expect(dtcRounds).toEqual([0, DTC_EVERY_SECONDS, 2 * DTC_EVERY_SECONDS, 3 * DTC_EVERY_SECONDS]);
    const status = decodeFrame(rounds[0].frames.find((f) => f.startsWith('41 01'))!);
    expect(status).toMatchObject({
      ok: true,
      readings: expect.arrayContaining([expect.objectContaining({ name: 'Malfunction indicator lamp', value: 1 })]),
    });
  });

  it('answers "43 00" for a healthy car', () => {
    expect(poll(PROFILES['spaced, one PID per request'], [], 1)[0].frames).toContain('43 00');
  });

  it('looks like a real adapter: SEARCHING... first, an occasional NO DATA, spacing that now and then differs', () => {
    const frames = poll(PROFILES['spaced, one PID per request'], [], 600).flatMap((r) => r.frames);
    expect(frames[0]).toMatch(/^SEARCHING\.\.\.\r41 /);
    const noData = frames.filter((f) => f.startsWith('NO DATA')).length;
    expect(noData).toBeGreaterThan(0);
    expect(noData).toBeLessThan(frames.length * 0.05);
    expect(frames.some((f) => /^41[0-9A-F]{4,}/.test(f))).toBe(true);
    expect(frames.some((f) => f.endsWith('\r\r>'))).toBe(true);
  });

  it('packs several PIDs in one CAN frame (at most 7 bytes) when asking for several', () => {
    const frames = poll(PROFILES['compact (ATS0), several PIDs per request'], [], 30).flatMap((r) => r.frames);
    const data = frames.filter((f) => /^41/i.test(f)).map((f) => f.replace(/[\r>]/g, '').replace(/ /g, ''));
    expect(data.some((f) => f.length > 8)).toBe(true);
    expect(Math.max(...data.map((f) => f.length / 2))).toBeLessThanOrEqual(7);
  });

  it('is deterministic for a seed, profile included', () => {
    expect(randomAdapterProfile(createRandom(3))).toEqual(randomAdapterProfile(createRandom(3)));
    const profile = randomAdapterProfile(createRandom(3));
    expect(poll(profile, ['overheat'], 300, 1, 8)).toEqual(poll(profile, ['overheat'], 300, 1, 8));
  });
});
