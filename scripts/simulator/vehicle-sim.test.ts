import { HARSH_ACCELERATION_MPS2, HARSH_BRAKING_MPS2, KMH_PER_MPS } from '../../platform/driving/driving-model.js';
import { HARSH_BRAKE_PROBABILITY } from './drive-cycle.js';
import { ENGINE } from './powertrain.js';
import type { Fault } from './faults.js';
import { createRandom } from './random.js';
import { VehicleSim, type VehicleSnapshot } from './vehicle-sim.js';

/** One snapshot per `step` seconds, as a dongle polling at 1/step Hz sees the car. */
function drive(seed: number, faults: Fault[], seconds: number, step = 1): VehicleSnapshot[] {
  const car = new VehicleSim(createRandom(seed), faults);
  const samples = [car.snapshot];
  for (let t = step; t <= seconds; t += step) samples.push(car.advance(step));
  return samples;
}

const HOUR = 3600;
const SEED = 11;
const healthy = drive(SEED, [], 2 * HOUR);
const running = (s: VehicleSnapshot) => s.engineOn && !s.cranking;

describe('drive cycle', () => {
  it('goes through parked, cranking, idle, city and highway, starting with the ignition on and the engine off', () => {
    expect(healthy[0]).toMatchObject({ phase: 'parked', engineOn: false, rpm: 0, speed: 0 });
    expect(new Set(healthy.map((s) => s.phase))).toEqual(new Set(['parked', 'cranking', 'idle', 'city', 'highway']));
  });

  it('keeps town speeds in town and motorway speeds on the highway', () => {
    const max = (phase: string) => Math.max(...healthy.filter((s) => s.phase === phase).map((s) => s.speed));
    expect(max('city')).toBeLessThanOrEqual(70);
    expect(max('highway')).toBeGreaterThanOrEqual(95);
    expect(max('highway')).toBeLessThanOrEqual(130);
    expect(healthy.filter((s) => s.phase === 'idle' || s.phase === 'parked').every((s) => s.speed === 0)).toBe(true);
  });

  it('stops and goes in town: standing, pulling away, cruising, braking', () => {
    const city = healthy.filter((s) => s.phase === 'city');
    expect(city.some((s) => s.speed === 0)).toBe(true);
    expect(city.some((s) => s.acceleration > 0.8)).toBe(true);
    expect(city.some((s) => s.acceleration < -1)).toBe(true);
  });

  it('brakes harshly now and then in town (≤ -3.5 m/s² between 1 s samples), and otherwise drives gently', () => {
    const deltas = healthy.slice(1).map((s, i) => (s.speed - healthy[i].speed) / KMH_PER_MPS);
    const harsh = deltas.filter((d, i) => d <= -HARSH_BRAKING_MPS2 && healthy[i + 1].phase === 'city');
    expect(harsh.length).toBeGreaterThan(0);
    expect(HARSH_BRAKE_PROBABILITY).toBeLessThan(0.2);
    // Rounding to whole km/h adds at most 0.3 m/s².
    expect(Math.max(...deltas)).toBeLessThan(HARSH_ACCELERATION_MPS2);
  });
});

describe('powertrain consistency', () => {
  it('turns only while the engine runs, and idles near its warm idle speed once warm', () => {
    for (const s of healthy) {
      if (!s.engineOn) expect(s).toMatchObject({ rpm: 0, maf: 0, fuelRate: 0, runTime: 0 });
      if (running(s) && s.speed > 0) expect(s.rpm).toBeGreaterThan(600);
    }
    const warmIdle = healthy.filter((s) => running(s) && s.speed === 0 && s.coolant > 80 && s.acceleration === 0);
    for (const s of warmIdle) expect(Math.abs(s.rpm - ENGINE.warmIdleRpm)).toBeLessThan(100);
  });

  it('burns fuel in proportion to the air it breathes, and none when coasting at speed', () => {
    for (const s of healthy.filter((x) => running(x) && x.fuelRate > 0 && x.coolant >= 50)) {
      expect(s.fuelRate).toBeCloseTo(((s.maf / ENGINE.stoichiometric) * 3600) / ENGINE.petrolDensity, 6);
    }
    const coasting = healthy.filter((s) => running(s) && s.acceleration < -1 && s.rpm > 1300);
    expect(coasting.length).toBeGreaterThan(0);
    for (const s of coasting) expect(s.fuelRate).toBe(0);
  });

  it('asks more load, throttle and air when accelerating than when cruising at the same speed', () => {
    const around = (s: VehicleSnapshot) => running(s) && s.speed > 30 && s.speed < 60;
    const mean = (xs: VehicleSnapshot[], f: (s: VehicleSnapshot) => number) =>
      xs.reduce((a, s) => a + f(s), 0) / xs.length;
    const accelerating = healthy.filter((s) => around(s) && s.acceleration > 0.8);
    const cruising = healthy.filter((s) => around(s) && s.acceleration === 0);
    expect(mean(accelerating, (s) => s.load)).toBeGreaterThan(mean(cruising, (s) => s.load) + 15);
    expect(mean(accelerating, (s) => s.throttle)).toBeGreaterThan(mean(cruising, (s) => s.throttle));
    expect(mean(accelerating, (s) => s.maf)).toBeGreaterThan(mean(cruising, (s) => s.maf));
  });

  it('empties the tank slowly and only fills it when parked', () => {
    let burnt = 0;
    for (let i = 1; i < healthy.length; i++) {
      const drop = healthy[i - 1].fuelLevel - healthy[i].fuelLevel;
      if (drop < 0) expect(healthy[i].engineOn).toBe(false);
      else burnt += drop;
      expect(drop).toBeLessThan(0.05);
    }
    // Two hours of mixed driving in a 50 L tank: several percent.
    expect(burnt).toBeGreaterThan(5);
  });
});

describe('coolant warm-up', () => {
  it('starts at ambient and settles near 90 °C once warm, never above 100', () => {
    expect(healthy[0].coolant).toBeCloseTo(healthy[0].ambient, 6);
    const warm = healthy.slice(30 * 60).filter(running);
    expect(Math.min(...warm.map((s) => s.coolant))).toBeGreaterThan(80);
    expect(Math.max(...healthy.map((s) => s.coolant))).toBeLessThan(100);
  });

  it('rises steadily while the engine warms up', () => {
    const firstRun = healthy.slice(
      0,
      healthy.findIndex((s) => s.coolant > 85),
    );
    const running5 = firstRun.filter(running);
    expect(running5.length).toBeGreaterThan(120);
    for (let i = 60; i < running5.length; i += 60)
      expect(running5[i].coolant).toBeGreaterThan(running5[i - 60].coolant);
  });
});

describe('faults', () => {
  it('overheat: the coolant passes 115 °C after warm-up and stays hot (about 120 °C)', () => {
    const hot = drive(SEED, ['overheat'], HOUR);
    const crossed = hot.findIndex((s) => s.coolant > 115);
    expect(crossed).toBeGreaterThan(0);
    const after = hot.slice(crossed).filter(running);
    expect(Math.min(...after.map((s) => s.coolant))).toBeGreaterThan(108);
    expect(Math.max(...after.map((s) => s.coolant))).toBeLessThan(125);
  });

  it('misfire: reports P0301 with the MIL on, and shakes the idle', () => {
    const rough = drive(SEED, ['misfire'], HOUR);
    expect(rough.every((s) => s.mil && s.dtcs.join() === 'P0301')).toBe(true);
    expect(healthy.every((s) => !s.mil && s.dtcs.length === 0)).toBe(true);
    const idleSpread = (samples: VehicleSnapshot[]) => {
      const rpms = samples.filter((s) => running(s) && s.speed === 0 && s.coolant > 80).map((s) => s.rpm);
      const mean = rpms.reduce((a, b) => a + b, 0) / rpms.length;
      return Math.sqrt(rpms.reduce((a, r) => a + (r - mean) ** 2, 0) / rpms.length);
    };
    expect(idleSpread(rough)).toBeGreaterThan(3 * idleSpread(healthy));
  });

  it('weak battery: rests near 11.2 V and dips below 9.5 V cranking, where a healthy one rests near 12.6 V and stays above', () => {
    const weak = drive(SEED, ['weak-battery'], HOUR);
    const volts = (samples: VehicleSnapshot[], pick: (s: VehicleSnapshot) => boolean) =>
      samples.filter(pick).map((s) => s.voltage);
    const resting = (s: VehicleSnapshot) => !s.engineOn;
    expect(Math.max(...volts(weak, resting))).toBeLessThan(11.4);
    expect(Math.min(...volts(healthy, resting))).toBeGreaterThan(12.4);
    expect(Math.max(...volts(weak, (s) => s.cranking))).toBeLessThan(9.5);
    expect(Math.min(...volts(healthy, (s) => s.cranking))).toBeGreaterThan(9.5);
    for (const v of volts(healthy, running)) expect(Math.abs(v - 14.2)).toBeLessThan(0.3);
  });
});

describe('determinism', () => {
  it('replays exactly for the same seed, and differs for another seed', () => {
    expect(drive(3, ['misfire'], 600)).toEqual(drive(3, ['misfire'], 600));
    expect(drive(3, [], 600)).not.toEqual(drive(4, [], 600));
  });

  it('drives the same course whether polled every second or twice a second', () => {
    const course = (samples: VehicleSnapshot[]) => samples.map((s) => [s.phase, s.speed, s.coolant, s.fuelLevel]);
    const twice = drive(3, [], 900, 0.5).filter((_, i) => i % 2 === 0);
    expect(course(twice)).toEqual(course(drive(3, [], 900, 1)));
  });
});
