import type { DtcState } from '../observations/dtc-state.js';
import { battery, type BatteryState } from './battery.js';
import { brakes, type BrakeState } from './brakes.js';
import { cooling, type CoolingState } from './cooling.js';
import { emissions, type EmissionsState } from './emissions.js';
import { engineOil, type OilState } from './engine-oil.js';
import { fuelSystem, type FuelState } from './fuel-system.js';
import { ignition, type IgnitionState } from './ignition.js';
import { PART_NAMES, type PartAssessment, type PartName } from './part.js';
import type { AssessContext, ObserveContext, PartModel, Renewal } from './part-model.js';
import { tyres, type TyreState } from './tyres.js';

export interface PartStates {
  ENGINE_OIL: OilState;
  BATTERY: BatteryState;
  COOLING_SYSTEM: CoolingState;
  BRAKES: BrakeState;
  TYRES: TyreState;
  IGNITION: IgnitionState;
  EMISSIONS: EmissionsState;
  FUEL_SYSTEM: FuelState;
}

const MODELS: { [K in PartName]: PartModel<PartStates[K]> } = {
  ENGINE_OIL: engineOil,
  BATTERY: battery,
  COOLING_SYSTEM: cooling,
  BRAKES: brakes,
  TYRES: tyres,
  IGNITION: ignition,
  EMISSIONS: emissions,
  FUEL_SYSTEM: fuelSystem,
};

const modelOf = <K extends PartName>(part: K): PartModel<PartStates[K]> => MODELS[part];

export function initialParts(): PartStates {
  const states = {} as Record<PartName, unknown>;
  for (const part of PART_NAMES) states[part] = modelOf(part).initial();
  return states as PartStates;
}

export function observeParts(states: PartStates, context: ObserveContext): void {
  for (const part of PART_NAMES) observeOne(part, states, context);
}

function observeOne<K extends PartName>(part: K, states: PartStates, context: ObserveContext) {
  modelOf(part).observe?.(states[part], context);
}

export function partsSeeDtcs(states: PartStates, dtcs: DtcState, at: number): void {
  for (const part of PART_NAMES) dtcsOne(part, states, dtcs, at);
}

function dtcsOne<K extends PartName>(part: K, states: PartStates, dtcs: DtcState, at: number) {
  modelOf(part).onDtcs?.(states[part], dtcs, at);
}

export function renewPart<K extends PartName>(part: K, states: PartStates, renewal: Renewal): void {
  modelOf(part).renew(states[part], renewal);
}

export function assessParts(states: PartStates, context: AssessContext): PartAssessment[] {
  return PART_NAMES.map((part) => assessOne(part, states, context));
}

function assessOne<K extends PartName>(part: K, states: PartStates, context: AssessContext) {
  return modelOf(part).assess(states[part], context);
}

export const partName = (part: PartName) => MODELS[part].name;
