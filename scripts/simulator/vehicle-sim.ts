import { engineRunning, initialDriveState, stepDrive, type DriveState, type Phase } from './drive-cycle.js';
import { systemVoltage } from './electrical.js';
import { MISFIRE_CODE, type Fault } from './faults.js';
import { powertrain, type PowertrainOutput } from './powertrain.js';
import type { Random } from './random.js';
import { initialThermalState, stepThermal, type ThermalState } from './thermal.js';

/** Everything the simulated ECU can report at one instant, in physical units. */
export interface VehicleSnapshot extends PowertrainOutput {
  phase: Phase;
  engineOn: boolean;
  cranking: boolean;
  /** km/h */
  speed: number;
  /** m/s² */
  acceleration: number;
  coolant: number;
  oil: number;
  intake: number;
  ambient: number;
  barometric: number;
  voltage: number;
  /** % of the tank */
  fuelLevel: number;
  longFuelTrim: number;
  /** s since the engine started (0 when off) */
  runTime: number;
  /** km */
  distanceSinceClear: number;
  distanceMilOn: number;
  mil: boolean;
  /** Confirmed trouble codes, as Mode 03 would report them. */
  dtcs: string[];
}

const TANK_LITRES = 50;
/** Sub-step of the physics, so that a slow polling rate (--hz 0.2) does not coarsen the driving. */
const MAX_STEP_SECONDS = 0.25;

/**
 * One simulated car: drive cycle, powertrain, temperatures, battery, fuel and odometer, with
 * its faults. Deterministic for a given random source.
 */
export class VehicleSim {
  /** The car's own course (driver, engine); sensors draw from a stream of their own, so how
   *  often the car is looked at does not change where it goes. */
  private readonly random: Random;
  private readonly sensors: Random;
  private readonly drive: DriveState;
  private readonly thermal: ThermalState;
  private readonly ambient: number;
  private readonly barometric: number;
  private readonly longFuelTrim: number;
  private fuelLevel: number;
  private runTime = 0;
  private distanceSinceClear: number;
  private distanceMilOn: number;
  private current: VehicleSnapshot;

  constructor(
    random: Random,
    readonly faults: readonly Fault[],
  ) {
    this.random = random.fork('physics');
    this.sensors = random.fork('sensors');
    this.ambient = this.random.between(5, 32);
    this.barometric = this.random.between(96, 102);
    this.fuelLevel = this.random.between(25, 95);
    this.distanceSinceClear = this.random.between(500, 20_000);
    this.distanceMilOn = this.has('misfire') ? this.random.between(10, 300) : 0;
    this.longFuelTrim = this.random.between(-3, 3) + (this.has('misfire') ? 5 : 0);
    this.drive = initialDriveState(this.random);
    this.thermal = initialThermalState(this.ambient);
    this.current = this.observe(false);
  }

  has(fault: Fault): boolean {
    return this.faults.includes(fault);
  }

  get snapshot(): VehicleSnapshot {
    return this.current;
  }

  /** Moves time on by `seconds` and returns what the ECU reports at the end of it. */
  advance(seconds: number): VehicleSnapshot {
    let left = seconds;
    // A 1 Hz adapter would mostly miss the starter's second; real dongles watch for it, and the
    // dip is what tells a weak battery, so a sample that spans cranking reports it.
    let cranked = false;
    while (left > 1e-9) {
      const dt = Math.min(MAX_STEP_SECONDS, left);
      left -= dt;
      this.step(dt);
      cranked ||= this.drive.phase === 'cranking';
    }
    this.current = this.observe(cranked);
    return this.current;
  }

  private step(dt: number): void {
    const wasRunning = engineRunning(this.drive);
    stepDrive(this.drive, dt, this.random);
    const engineOn = engineRunning(this.drive);
    if (engineOn && !wasRunning) this.runTime = 0;
    if (engineOn) this.runTime += dt;

    const out = this.powertrain(engineOn, this.drive.phase === 'cranking');
    stepThermal(
      this.thermal,
      { engineOn, load: out.load, speed: this.drive.speed, ambient: this.ambient, overheat: this.has('overheat') },
      dt,
    );
    const km = (this.drive.speed * dt) / 3600;
    this.distanceSinceClear += km;
    if (this.has('misfire')) this.distanceMilOn += km;
    this.fuelLevel -= ((out.fuelRate * dt) / 3600 / TANK_LITRES) * 100;
    // Parked at the pump: a tank that ran low is filled between trips.
    if (!engineOn && this.fuelLevel < 10) this.fuelLevel = this.random.between(85, 98);
  }

  private powertrain(engineOn: boolean, cranking: boolean, random = this.random): PowertrainOutput {
    return powertrain({
      engineOn,
      cranking,
      speed: this.drive.speed,
      acceleration: this.drive.acceleration,
      coolant: this.thermal.coolant,
      barometric: this.barometric,
      misfire: this.has('misfire'),
      noise: () => random.noise(1),
    });
  }

  private observe(cranked: boolean): VehicleSnapshot {
    const engineOn = engineRunning(this.drive);
    const cranking = cranked || this.drive.phase === 'cranking';
    return {
      ...this.powertrain(engineOn, cranking, this.sensors),
      phase: this.drive.phase,
      engineOn,
      cranking,
      speed: this.drive.speed,
      acceleration: this.drive.acceleration,
      coolant: this.thermal.coolant,
      oil: this.thermal.oil,
      intake: this.thermal.intake,
      ambient: this.ambient,
      barometric: this.barometric,
      voltage: systemVoltage({
        engineOn,
        cranking,
        weakBattery: this.has('weak-battery'),
        noise: () => this.sensors.noise(1),
      }),
      fuelLevel: this.fuelLevel,
      longFuelTrim: this.longFuelTrim,
      runTime: engineOn ? this.runTime : 0,
      distanceSinceClear: this.distanceSinceClear,
      distanceMilOn: this.distanceMilOn,
      mil: this.has('misfire'),
      dtcs: this.has('misfire') ? [MISFIRE_CODE] : [],
    };
  }
}
