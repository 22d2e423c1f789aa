/**
 * Engine temperatures. Coolant warms from ambient at a rate that grows with load, and the
 * thermostat (opening at 88 °C) with the radiator holds it near 90 °C, cooler at speed. With the
 * overheat fault (a dead fan or a stuck thermostat) nothing holds it until the coolant boils at
 * about 120 °C under the pressure cap, and it stays there. Oil lags coolant; intake air warms
 * from a hot engine bay when the car is slow.
 */
export interface ThermalState {
  coolant: number;
  oil: number;
  intake: number;
}

export interface ThermalInput {
  engineOn: boolean;
  /** % */
  load: number;
  /** km/h */
  speed: number;
  ambient: number;
  overheat: boolean;
}

export const THERMOSTAT_OPENS = 88;
/** Where an overheating engine settles: the coolant boils and vents under the cap. */
export const BOILING_UNDER_PRESSURE = 119;

export function initialThermalState(ambient: number): ThermalState {
  return { coolant: ambient, oil: ambient, intake: ambient };
}

/** Advances by `dt` seconds (small steps: the rates are per second). */
export function stepThermal(state: ThermalState, input: ThermalInput, dt: number): void {
  const { ambient } = input;
  if (!input.engineOn) {
    // Parked: everything drifts back to ambient over tens of minutes.
    state.coolant += ((ambient - state.coolant) * dt) / 1800;
    state.oil += ((ambient - state.oil) * dt) / 2400;
    state.intake += ((ambient + Math.max(0, state.coolant - ambient) * 0.3 - state.intake) * dt) / 120;
    return;
  }
  const heating = 0.07 + 0.005 * input.load;
  const losses = (state.coolant - ambient) * 0.0008;
  const regulatedAt = input.overheat ? BOILING_UNDER_PRESSURE : THERMOSTAT_OPENS;
  const radiator = Math.max(0, state.coolant - regulatedAt) * (0.08 + (input.overheat ? 0 : 0.001 * input.speed));
  state.coolant += (heating - losses - radiator) * dt;

  state.oil += ((state.coolant + 0.08 * input.load - state.oil) * dt) / 180;
  const engineBay = Math.max(0, state.coolant - ambient) * 0.25 * Math.exp(-input.speed / 30);
  state.intake += ((ambient + 2 + engineBay - state.intake) * dt) / 30;
}
