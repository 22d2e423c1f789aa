import type { ActionId, ActionParameters } from '../actions/catalogue.js';
import type { DecisionRequest } from '../providers/types.js';
import type { TriggerKind } from '../triggers/categories.js';

export type DecisionTargets = NonNullable<DecisionRequest['targets']>;

export interface EffectContext {
  decisionId: string;
  now: Date;
  /** What fired the decision (absent where no trigger is at hand, e.g. a revert). */
  trigger?: { kind: TriggerKind; subject: string; value: number; threshold: number };
}

export interface EffectResult {
  /** One line for people: what was done. */
  summary: string;
  /** False when the action ran but found a problem (missing indexes, say). */
  success: boolean;
  /** Owner notifications: the vehicles whose owners were reached, for the action's own judge. */
  reachedVehicleIds?: string[];
  /** Owner notifications: who was reached for which vehicle; only their own acknowledgement counts as acting. */
  reachedOwners?: Array<{ vehicleId: string; userId: string }>;
}

/**
 * What a catalogue action really does in this system. `refuse` is the target-set check: it
 * runs before the choice (to keep infeasible actions out of it) and again before applying
 * (a model's parameters may differ from the policy's).
 */
export interface Effect<A extends ActionId = ActionId> {
  readonly action: A;
  /** The bounded set this effect may aim at, offered to whoever picks the parameters. */
  targets(): Promise<DecisionTargets>;
  /** Null when the parameters' targets are acceptable, else why not. */
  refuse(parameters: ActionParameters<A>): Promise<string | null>;
  apply(parameters: ActionParameters<A>, context: EffectContext): Promise<EffectResult>;
  /** Reversible effects undo what the decision did; returns what was undone. */
  revert?(context: EffectContext): Promise<string>;
}

/** The effects there are, by catalogue id; an action without one is never chosen. */
export type EffectRegistry = ReadonlyMap<ActionId, Effect>;

export const outside = (given: readonly string[], allowed: readonly string[]) =>
  given.filter((g) => !allowed.includes(g));
