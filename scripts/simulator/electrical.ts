/**
 * System voltage as the ECU reads it (PID 42). A healthy battery rests at about 12.6 V and dips
 * to about 10 V while the starter turns; the alternator then holds about 14.2 V. A weak battery
 * rests near 11.2 V and sags below 9 V when cranking: the pattern battery-health rules look for.
 */
export interface ElectricalInput {
  engineOn: boolean;
  cranking: boolean;
  weakBattery: boolean;
  /** A standard-normal draw. */
  noise: () => number;
}

export const VOLTAGE = {
  resting: 12.6,
  weakResting: 11.2,
  cranking: 10.2,
  weakCranking: 8.7,
  charging: 14.2,
  /** A flat battery draws hard on the alternator, which sags a little. */
  weakCharging: 13.9,
} as const;

export function systemVoltage(input: ElectricalInput): number {
  const weak = input.weakBattery;
  if (input.cranking) return (weak ? VOLTAGE.weakCranking : VOLTAGE.cranking) + 0.2 * input.noise();
  if (input.engineOn) return (weak ? VOLTAGE.weakCharging : VOLTAGE.charging) + 0.05 * input.noise();
  return (weak ? VOLTAGE.weakResting : VOLTAGE.resting) + 0.02 * input.noise();
}
