import { z } from 'zod';
import type { HealthInput } from './reduce.js';

/** Most vehicles one command may name (what one agents decision may aim at). */
export const MAX_COMMAND_VEHICLES = 500;

/** Ids become parts of event keys (`recompute:<decision>:<vehicle>`), so no separator gets in. */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const recompute = z.object({
  kind: z.literal('recompute'),
  vehicleIds: z.array(id).min(1).max(MAX_COMMAND_VEHICLES),
  /** Names the request: a redelivered or re-sent command changes nothing twice. */
  decisionId: id,
  /** Re-assess as of this time (when it was asked for, not when it is handled). */
  at: z.iso.datetime({ offset: true }),
});

/** The contract of the `health.commands` stream, which health consumes with it (see TelemetryConsumer). */
export const healthCommandSchema = z.discriminatedUnion('kind', [recompute]);

/** A payload of the `health.commands` stream (plain JSON: `at` is an ISO time). */
export type HealthCommand = z.infer<typeof healthCommandSchema>;

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
