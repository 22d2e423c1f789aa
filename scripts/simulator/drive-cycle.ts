import type { Random } from './random.js';

/**
 * Where the car is in its day: parked with the ignition on, cranking, idling, stop-and-go city
 * driving or highway cruising. Produces speed and acceleration; the powertrain derives the rest.
 *
 * One cycle: parked → cranking → idle → city → highway → city → idle → parked (engine off) → ...
 * Accelerations stay under the 3.0 m/s² and decelerations under the 3.5 m/s² that the driving
 * model (platform/driving) calls harsh, except for the occasional harsh stop in town.
 */
export type Phase = 'parked' | 'cranking' | 'idle' | 'city' | 'highway';

/** What the car is doing inside a driving phase. */
type Manoeuvre = 'stopped' | 'accelerating' | 'cruising' | 'braking';

export interface DriveState {
  phase: Phase;
  /** Seconds left in the phase; a driving phase ends at its next natural point (a stop, an exit). */
  phaseLeft: number;
  /** Phases still to come in this cycle, the current one excluded. */
  plan: Phase[];
  manoeuvre: Manoeuvre;
  manoeuvreLeft: number;
  /** km/h */
  speed: number;
  targetSpeed: number;
  /** m/s², the rate used to reach the target (positive for both speeding up and braking). */
  rate: number;
  /** m/s² over the last step; negative when slowing down. */
  acceleration: number;
  harshBrake: boolean;
}

export const HARSH_BRAKE_PROBABILITY = 0.08;
/** How long the starter turns; the adapter catches at least one sample of it (see VehicleSim). */
export const CRANKING_SECONDS = 1.2;

const CYCLE: readonly Phase[] = ['cranking', 'idle', 'city', 'highway', 'city', 'idle', 'parked'];

const PHASE_SECONDS: Record<Phase, readonly [number, number]> = {
  parked: [20, 90],
  cranking: [CRANKING_SECONDS, CRANKING_SECONDS],
  idle: [15, 45],
  city: [120, 360],
  highway: [150, 600],
};

export function initialDriveState(random: Random): DriveState {
  return {
    phase: 'parked',
    // A few seconds of ignition on before the start: resting voltage, engine off.
    phaseLeft: random.between(3, 8),
    plan: [...CYCLE],
    manoeuvre: 'stopped',
    manoeuvreLeft: 0,
    speed: 0,
    targetSpeed: 0,
    rate: 0,
    acceleration: 0,
    harshBrake: false,
  };
}

export const engineRunning = (state: DriveState) => state.phase !== 'parked';

/** Advances by `dt` seconds (keep it ≤ 0.5 s; VehicleSim sub-steps). */
export function stepDrive(state: DriveState, dt: number, random: Random): void {
  state.phaseLeft -= dt;
  if (state.phase === 'city') city(state, dt, random);
  else if (state.phase === 'highway') highway(state, dt, random);
  else state.speed = 0;

  const before = state.speed;
  moveTowardsTarget(state, dt);
  state.acceleration = (state.speed - before) / 3.6 / dt;
  if (state.phaseLeft <= 0 && atPhaseEnd(state)) enterNextPhase(state, random);
}

function moveTowardsTarget(state: DriveState, dt: number): void {
  if (state.phase !== 'city' && state.phase !== 'highway') return;
  const step = state.rate * 3.6 * dt;
  const gap = state.targetSpeed - state.speed;
  state.speed = Math.abs(gap) <= step ? state.targetSpeed : state.speed + Math.sign(gap) * step;
  state.speed = Math.max(0, state.speed);
}

/** City: wait at a light, pull away, cruise a block, brake (now and then hard), repeat. */
function city(state: DriveState, dt: number, random: Random): void {
  state.manoeuvreLeft -= dt;
  switch (state.manoeuvre) {
    case 'stopped':
      if (state.manoeuvreLeft > 0 || state.phaseLeft <= 0) return;
      return begin(state, 'accelerating', random.between(30, 60), random.between(1.0, 2.2), 60);
    case 'accelerating':
      if (state.speed < state.targetSpeed) return;
      return begin(state, 'cruising', state.targetSpeed, 0.6, random.between(8, 35));
    case 'cruising':
      if (state.manoeuvreLeft > 0) {
        // Small speed corrections, as a driver keeps to the flow.
        if (random.chance(dt / 4)) state.targetSpeed = Math.min(60, Math.max(20, state.targetSpeed + random.noise(3)));
        return;
      }
      state.harshBrake = random.chance(HARSH_BRAKE_PROBABILITY);
      // Sometimes only slowing for a turn or traffic, then on again.
      if (!state.harshBrake && random.chance(0.25)) {
        return begin(state, 'braking', random.between(12, 25), random.between(1.2, 2.2), 30);
      }
      return begin(state, 'braking', 0, state.harshBrake ? random.between(4.2, 6.0) : random.between(1.5, 2.8), 30);
    case 'braking':
      if (state.speed > state.targetSpeed) return;
      state.harshBrake = false;
      if (state.speed > 0) return begin(state, 'accelerating', random.between(30, 55), random.between(1.0, 2.0), 60);
      return begin(state, 'stopped', 0, 0, random.between(5, 30));
  }
}

/** Highway: merge, cruise with the traffic's drift, now and then slow for traffic. */
function highway(state: DriveState, dt: number, random: Random): void {
  state.manoeuvreLeft -= dt;
  if (state.phaseLeft <= 0) {
    // Leaving: down the exit ramp to town speed; the next phase (city) takes over from there.
    if (state.targetSpeed !== 50) begin(state, 'braking', 50, random.between(0.8, 1.6), 60);
    return;
  }
  if (state.manoeuvreLeft > 0) return;
  if (random.chance(0.1))
    return begin(state, 'braking', random.between(60, 80), random.between(1.0, 2.0), random.between(10, 30));
  const cruise = random.between(95, 125);
  return begin(
    state,
    cruise > state.speed ? 'accelerating' : 'cruising',
    cruise,
    random.between(0.6, 1.4),
    random.between(20, 60),
  );
}

function begin(state: DriveState, manoeuvre: Manoeuvre, targetSpeed: number, rate: number, seconds: number): void {
  state.manoeuvre = manoeuvre;
  state.targetSpeed = targetSpeed;
  state.rate = rate;
  state.manoeuvreLeft = seconds;
}

/** Town driving ends when stopped; the highway once off it at town speed. */
function atPhaseEnd(state: DriveState): boolean {
  if (state.phase === 'city') return state.speed === 0 && state.manoeuvre === 'stopped';
  if (state.phase === 'highway') return state.speed <= 50;
  return true;
}

function enterNextPhase(state: DriveState, random: Random): void {
  if (state.plan.length === 0) state.plan = [...CYCLE];
  const next = state.plan.shift()!;
  const [min, max] = PHASE_SECONDS[next];
  state.phase = next;
  state.phaseLeft = random.between(min, max);
  if (next === 'city' && state.speed > 0) begin(state, 'cruising', state.speed, 0.6, random.between(5, 20));
  else if (next === 'city') begin(state, 'stopped', 0, 0, random.between(2, 8));
  else if (next === 'highway') begin(state, 'accelerating', random.between(95, 120), random.between(1.0, 1.8), 60);
  else begin(state, 'stopped', 0, 0, 0);
}
