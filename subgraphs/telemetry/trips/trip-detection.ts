import {
  distanceKm,
  harshStep,
  isEngineRunning,
  startsEvent,
  type Point,
} from '../../../platform/driving/driving-model.js';
import type { Snapshot } from '../readings/snapshot.js';

export const TRIP_SERIES = { speed: 'p0D', rpm: 'p0C' } as const;

/**
 * A trip is a stretch of readings where the vehicle moves or its engine runs (the shared driving
 * model says what running, harsh and a gap are). It ends after TRIP_BREAK_MS with the engine off
 * and the vehicle still, or without data: a stop at the shops splits a drive, a traffic light
 * or a lost connection does not. One shorter than MIN_TRIP_KM (a warm-up on the drive) is
 * dropped.
 */
export const TRIP_BREAK_MS = 5 * 60_000;
export const MIN_TRIP_KM = 0.1;

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
}

/** Cuts a vehicle's speed and RPM history, fed in time order, into trips. */
export class TripDetector {
  private readonly trips: Trip[] = [];
  private open?: OpenTrip;
  private speed?: Point;
  /** Inside a harsh episode that was already counted. */
  private braking = false;
  private accelerating = false;

  feed(snapshot: Snapshot): void {
    const { t, values } = snapshot;
    if (this.open && t - this.open.lastActive > TRIP_BREAK_MS) this.close();

    const speed = values[TRIP_SERIES.speed];
    const rpm = values[TRIP_SERIES.rpm];
    const moving = speed !== undefined && speed > 0;
    const running = rpm !== undefined && isEngineRunning(rpm);
    if ((moving || running) && !this.open)
      this.open = { start: t, lastActive: t, km: 0, maxSpeed: 0, harshBraking: 0, harshAcceleration: 0 };

    if (speed !== undefined) {
      const point = { at: t, value: speed };
      // The step that leads to a trip's first moving reading is part of the trip.
      if (this.speed) this.score(this.speed, point);
      this.speed = point;
    }
    if (!this.open || (!moving && !running)) return;
    this.open.lastActive = t;
    if (speed !== undefined) this.open.maxSpeed = Math.max(this.open.maxSpeed, speed);
  }

  /** Closes the trip still open and returns every trip, oldest first. */
  finish(): Trip[] {
    this.close();
    return this.trips;
  }

  private score(previous: Point, next: Point): void {
    const { braking, accelerating } = harshStep(previous, next);
    const trip = this.open;
    if (trip) {
      trip.km += distanceKm(previous, next);
      if (startsEvent(this.braking, braking)) trip.harshBraking += 1;
      if (startsEvent(this.accelerating, accelerating)) trip.harshAcceleration += 1;
    }
    this.braking = braking;
    this.accelerating = accelerating;
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
}
