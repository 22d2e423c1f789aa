import { MAX_STEP_MS, type Held, type Snapshot } from '../readings/snapshot.js';

export const TRIP_SERIES = { speed: 'p0D', rpm: 'p0C' } as const;

/**
 * Thresholds. The engine counts as running above ENGINE_RUNNING_RPM (idle is 600-900 rpm, a
 * cranking starter ~200). A trip ends after TRIP_BREAK_MS with the engine off and the vehicle
 * still, or without data; one shorter than MIN_TRIP_KM (a warm-up on the drive) is dropped.
 * Harsh events use the change in speed between samples at most HARSH_WINDOW_MS apart (over a
 * longer span the average hides the peak): ≤ -3.5 m/s² (about 0.36 g) is harsh braking, ≥ 3.0
 * m/s² (about 0.31 g) harsh acceleration, in line with common telematics scoring. Consecutive
 * harsh samples are one event.
 */
export const ENGINE_RUNNING_RPM = 300;
export const TRIP_BREAK_MS = 5 * 60_000;
export const MIN_TRIP_KM = 0.1;
export const HARSH_WINDOW_MS = 3000;
export const HARSH_BRAKING_MS2 = -3.5;
export const HARSH_ACCELERATION_MS2 = 3.0;

export interface Trip {
  startedAt: Date;
  endedAt: Date;
  durationSeconds: number;
  distanceKm: number;
  maxSpeedKmh: number;
  harshBrakingCount: number;
  harshAccelerationCount: number;
}

interface OpenTrip {
  start: number;
  lastActive: number;
  km: number;
  maxSpeed: number;
  harshBraking: number;
  harshAcceleration: number;
  braking: boolean;
  accelerating: boolean;
}

/** Cuts a vehicle's speed and RPM history, fed in time order, into trips. */
export class TripDetector {
  private readonly trips: Trip[] = [];
  private open?: OpenTrip;
  private last?: number;
  private speed?: Held;
  private rpm?: Held;

  feed(snapshot: Snapshot): void {
    const { t, values } = snapshot;
    const open = this.open;
    if (open && t - open.lastActive > TRIP_BREAK_MS) this.close();

    const newSpeed = values[TRIP_SERIES.speed];
    if (this.open && this.last !== undefined) {
      const dt = t - this.last;
      const held = this.fresh(this.speed);
      if (dt > 0 && dt <= MAX_STEP_MS && held !== undefined) this.open.km += (held * dt) / 3_600_000;
      if (newSpeed !== undefined && this.speed && t - this.speed.t > 0 && t - this.speed.t <= HARSH_WINDOW_MS) {
        this.scoreAcceleration(this.open, (newSpeed - this.speed.v) / 3.6 / ((t - this.speed.t) / 1000));
      }
    }

    if (newSpeed !== undefined) this.speed = { v: newSpeed, t };
    if (values[TRIP_SERIES.rpm] !== undefined) this.rpm = { v: values[TRIP_SERIES.rpm], t };
    this.last = t;

    const moving = this.speed?.t === t && this.speed.v > 0;
    const running = this.rpm?.t === t && this.rpm.v > ENGINE_RUNNING_RPM;
    if (!moving && !running) return;
    if (!this.open) {
      this.open = {
        start: t,
        lastActive: t,
        km: 0,
        maxSpeed: 0,
        harshBraking: 0,
        harshAcceleration: 0,
        braking: false,
        accelerating: false,
      };
    }
    this.open.lastActive = t;
    if (this.speed?.t === t) this.open.maxSpeed = Math.max(this.open.maxSpeed, this.speed.v);
  }

  /** Closes the trip still open and returns every trip, oldest first. */
  finish(): Trip[] {
    this.close();
    return this.trips;
  }

  private scoreAcceleration(trip: OpenTrip, ms2: number): void {
    const braking = ms2 <= HARSH_BRAKING_MS2;
    const accelerating = ms2 >= HARSH_ACCELERATION_MS2;
    if (braking && !trip.braking) trip.harshBraking += 1;
    if (accelerating && !trip.accelerating) trip.harshAcceleration += 1;
    trip.braking = braking;
    trip.accelerating = accelerating;
  }

  private close(): void {
    const trip = this.open;
    this.open = undefined;
    if (!trip || trip.km < MIN_TRIP_KM) return;
    this.trips.push({
      startedAt: new Date(trip.start),
      endedAt: new Date(trip.lastActive),
      durationSeconds: (trip.lastActive - trip.start) / 1000,
      distanceKm: trip.km,
      maxSpeedKmh: trip.maxSpeed,
      harshBrakingCount: trip.harshBraking,
      harshAccelerationCount: trip.harshAcceleration,
    });
  }

  private fresh(held: Held | undefined): number | undefined {
    return held && this.last !== undefined && this.last - held.t <= MAX_STEP_MS ? held.v : undefined;
  }
}
