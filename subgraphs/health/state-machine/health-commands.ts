import { healthCommandSchema, type HealthCommand } from '../contract.js';
import type { HealthInput } from './reduce.js';

export { MAX_COMMAND_VEHICLES, healthCommandSchema, type HealthCommand } from '../contract.js';

export interface CommandInput {
  vehicleId: string;
  eventKey: string;
  input: HealthInput;
}

/** The processor inputs a command stands for, one per vehicle; null for a command that can never be handled. */
export function parseHealthCommand(payload: unknown): CommandInput[] | null {
  const parsed = healthCommandSchema.safeParse(payload);
  return parsed.success ? commandInputs(parsed.data) : null;
}

/** The processor inputs of a command that keeps the contract, one per vehicle. */
export function commandInputs(command: HealthCommand): CommandInput[] {
  const { vehicleIds, decisionId, at } = command;
  const input: HealthInput = { kind: 'recompute', at: Date.parse(at) };
  return [...new Set(vehicleIds)].map((vehicleId) => ({
    vehicleId,
    eventKey: `recompute:${decisionId}:${vehicleId}`,
    input,
  }));
}
