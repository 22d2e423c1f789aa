/**
 * A 2.0 L petrol engine with a six-speed gearbox in a 1,500 kg sedan: from speed, acceleration
 * and engine temperature to the values an ECU reports. Simple physics, but the PIDs agree with
 * each other the way they do in a real car: load follows the power the road asks for, MAF
 * follows rpm × load, fuel rate follows MAF, and fuel is cut when coasting.
 */

export interface PowertrainInput {
  engineOn: boolean;
  cranking: boolean;
  /** km/h */
  speed: number;
  /** m/s² */
  acceleration: number;
  coolant: number;
  /** kPa */
  barometric: number;
  /** Rough running from a misfiring cylinder: rpm shakes, trims go lean. */
  misfire: boolean;
  /** A standard-normal draw per call, so this function stays pure. */
  noise: () => number;
}

export interface PowertrainOutput {
  rpm: number;
  /** Calculated engine load, % */
  load: number;
  /** Absolute throttle position, % (a closed plate reads about 14 %) */
  throttle: number;
  /** Intake manifold absolute pressure, kPa */
  intakePressure: number;
  /** Mass air flow, g/s */
  maf: number;
  /** Engine fuel rate, L/h */
  fuelRate: number;
  /** Short-term fuel trim bank 1, % */
  shortFuelTrim: number;
  /** Ignition timing advance, ° before TDC */
  timingAdvance: number;
}

export const ENGINE = {
  displacementLitres: 2.0,
  volumetricEfficiency: 0.85,
  /** g/L at the intake */
  airDensity: 1.18,
  /** Nm, roughly flat: peak power 125 kW at 6,000 rpm */
  torque: 200,
  warmIdleRpm: 750,
  /** Load at idle: the engine's own friction and accessories. */
  idleLoad: 22,
  closedThrottle: 14,
  stoichiometric: 14.7,
  /** g/L */
  petrolDensity: 745,
} as const;

const CAR = { massKg: 1500, rollingResistance: 0.012, dragArea: 0.65, airDensity: 1.2 };
/** km/h at 1,000 rpm in each gear. */
const GEARING = [8, 14, 21, 29, 37, 45];

export function powertrain(input: PowertrainInput): PowertrainOutput {
  if (!input.engineOn) return engineOff(input);
  if (input.cranking) {
    return { ...engineOff(input), rpm: 220 + 40 * input.noise(), load: 0, intakePressure: input.barometric - 5 };
  }
  const power = roadPower(input.speed, input.acceleration);
  const rpm = engineSpeed(input, power);
  const coasting = power < 0;
  const coldExtra = Math.max(0, 60 - input.coolant) * 0.12;
  const load = coasting
    ? 9 + Math.abs(input.noise())
    : clamp(ENGINE.idleLoad + coldExtra + (100 - ENGINE.idleLoad) * (power / maxPower(rpm)) + input.noise(), 0, 100);
  const demand = Math.max(0, load - ENGINE.idleLoad);
  const throttle = coasting
    ? ENGINE.closedThrottle
    : clamp(ENGINE.closedThrottle + 0.7 * demand + 0.3 * input.noise(), 0, 100);
  const intakePressure = clamp(15 + 0.85 * load, 10, input.barometric);
  const maf = (ENGINE.displacementLitres * (rpm / 120) * ENGINE.airDensity * ENGINE.volumetricEfficiency * load) / 100;
  // Deceleration fuel cut-off above 1,200 rpm; a cold engine runs rich.
  const fuelCut = coasting && rpm > 1200;
  const airFuelRatio = input.coolant < 50 ? 13.0 : ENGINE.stoichiometric;
  const fuelRate = fuelCut ? 0 : ((maf / airFuelRatio) * 3600) / ENGINE.petrolDensity;
  const shortFuelTrim = (input.misfire ? 9 : 0) + 2 * input.noise();
  const timingAdvance = clamp(38 - 0.3 * load + 3 * input.noise(), -10, 45);
  return { rpm, load, throttle, intakePressure, maf, fuelRate, shortFuelTrim, timingAdvance };
}

function engineOff(input: PowertrainInput): PowertrainOutput {
  return {
    rpm: 0,
    load: 0,
    throttle: ENGINE.closedThrottle,
    intakePressure: input.barometric,
    maf: 0,
    fuelRate: 0,
    shortFuelTrim: 0,
    timingAdvance: 0,
  };
}

/**
 * Fast idle while cold; when moving, the highest gear that keeps the engine above its lugging
 * speed and gives the power asked for with some reserve (kick-down when accelerating hard).
 */
function engineSpeed(input: PowertrainInput, power: number): number {
  const idle = ENGINE.warmIdleRpm + Math.min(400, Math.max(0, 60 - input.coolant) * 8);
  const shake = input.misfire ? 70 * input.noise() - (input.noise() > 1.2 ? 180 : 0) : 10 * input.noise();
  // Pulling away through the torque converter: revs rise before the car moves much.
  const pullAway = input.acceleration > 0.3 ? 600 + 200 * input.acceleration : 0;
  if (input.speed < 5) return Math.max(400, idle + pullAway + shake);
  const lugging = input.acceleration < 0 ? 1000 : input.acceleration > 1.2 ? 1900 : 1300;
  const needed = Math.max(lugging, power / (0.8 * maxPower(1)));
  let gear = GEARING.length - 1;
  while (gear > 0 && (input.speed * 1000) / GEARING[gear] < needed) gear--;
  return Math.max(idle + (gear === 0 ? pullAway : 0), (input.speed * 1000) / GEARING[gear] + shake);
}

/** Watts at full throttle: the torque curve is flat, so power grows with rpm. */
const maxPower = (rpm: number) => (ENGINE.torque * rpm * 2 * Math.PI) / 60;

/** Watts the road asks for: inertia, rolling resistance and drag (negative when slowing). */
export function roadPower(speedKmh: number, acceleration: number): number {
  const v = speedKmh / 3.6;
  const force =
    CAR.massKg * acceleration + CAR.massKg * 9.81 * CAR.rollingResistance + 0.5 * CAR.airDensity * CAR.dragArea * v * v;
  return force * v;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
