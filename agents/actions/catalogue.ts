import { z } from 'zod';
import { TRIGGER_CATEGORIES, type TriggerCategory } from '../triggers/categories.js';
import { parameterSchemas } from './parameters.js';

export type ActionId = keyof typeof parameterSchemas;
export type ActionParameters<A extends ActionId> = z.infer<(typeof parameterSchemas)[A]>;
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

export interface ActionDefinition<A extends ActionId = ActionId> {
  id: A;
  description: string;
  /**
   * The risk at the action's own limits (decisions/blast-radius.ts): what it would do with
   * the parameters chosen can only raise it, and past a limit an admin must approve.
   */
  risk: RiskLevel;
  /** Has an inverse that can be applied automatically when the outcome check fails. */
  reversible: boolean;
  categories: readonly TriggerCategory[];
  parameters: (typeof parameterSchemas)[A];
}

type Catalogue = { readonly [A in ActionId]: ActionDefinition<A> };

function define<A extends ActionId>(id: A, rest: Omit<ActionDefinition<A>, 'id' | 'parameters'>): ActionDefinition<A> {
  return { id, ...rest, parameters: parameterSchemas[id] };
}

export const ACTION_CATALOGUE: Catalogue = {
  // Targeted first: one client before any limit that everyone shares.
  block_client: define('block_client', {
    description:
      'Refuse every request of one client (one IP, or one user, API key or device) at the gateways for a short while. Admins are never blocked.',
    risk: 'LOW',
    reversible: true,
    categories: ['security', 'errors'],
  }),
  tighten_rate_limits: define('tighten_rate_limits', {
    description: 'Temporarily lower rate limits for the given scopes, multiplying them by factor.',
    risk: 'MEDIUM',
    reversible: true,
    categories: ['security', 'errors', 'performance'],
  }),
  relax_rate_limits: define('relax_rate_limits', {
    description: 'Temporarily raise rate limits for the given scopes when legitimate traffic is being refused.',
    risk: 'MEDIUM',
    reversible: true,
    categories: ['performance', 'business'],
  }),
  raise_log_level: define('raise_log_level', {
    description: 'Raise the log level of the given services for a while, to diagnose a problem.',
    risk: 'LOW',
    reversible: true,
    categories: ['errors', 'performance', 'security'],
  }),
  recompute_vehicle_health: define('recompute_vehicle_health', {
    description: 'Recompute the health score of the given vehicles from their latest data.',
    risk: 'LOW',
    // Recomputing is idempotent; there is nothing to undo.
    reversible: false,
    categories: ['business', 'errors', 'time'],
  }),
  notify_critical_owners: define('notify_critical_owners', {
    description: 'Notify the owners of the given vehicles, which have critical health alerts.',
    // A message reaching customers cannot be taken back.
    risk: 'HIGH',
    reversible: false,
    categories: ['business', 'time'],
  }),
  open_incident: define('open_incident', {
    description: 'Open an incident record for humans to follow up.',
    risk: 'LOW',
    reversible: false,
    categories: ['errors', 'security', 'performance', 'business'],
  }),
  check_database_indexes: define('check_database_indexes', {
    description: "Check that the given services' database indexes exist and report the missing ones (read-only).",
    risk: 'LOW',
    reversible: false,
    categories: ['performance', 'time'],
  }),
  no_op: define('no_op', {
    description: 'Do nothing: the situation does not call for an action, or no action is safe.',
    risk: 'LOW',
    reversible: false,
    categories: TRIGGER_CATEGORIES,
  }),
};

export const ACTION_IDS = Object.keys(ACTION_CATALOGUE) as ActionId[];

export function isActionId(value: string): value is ActionId {
  return Object.hasOwn(ACTION_CATALOGUE, value);
}

export function getAction<A extends ActionId>(id: A): ActionDefinition<A> {
  return ACTION_CATALOGUE[id] as unknown as ActionDefinition<A>;
}

/** Actions that apply to a trigger category, in catalogue order. */
export function actionsForCategory(category: TriggerCategory): ActionId[] {
  return ACTION_IDS.filter((id) => ACTION_CATALOGUE[id].categories.includes(category));
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Validates parameters for one action; unknown actions and extra keys are refused. */
export function validateActionParameters(
  action: string,
  parameters: unknown,
): ValidationResult<Record<string, unknown>> {
  if (!isActionId(action)) return { ok: false, errors: [`action: "${action}" is not in the catalogue`] };
  const parsed = parameterSchemas[action].safeParse(parameters);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: issues(parsed.error) };
}

/** A decision whose parameters are typed by its action. */
export type ActionChoice = { [A in ActionId]: { action: A; parameters: ActionParameters<A> } }[ActionId];
export type AgentDecision = ActionChoice & { reasoning: string; confidence: number };

const envelope = z.strictObject({
  action: z.string(),
  parameters: z.unknown(),
  reasoning: z.string().trim().min(1).max(4000),
  confidence: z.number().min(0).max(1),
});

/**
 * Validates a model's (or anyone's) decision: the shape, an action that is in the
 * catalogue and in `allowed` (the eligible set), and parameters valid for that action.
 */
export function parseDecision(
  input: unknown,
  allowed: readonly ActionId[] = ACTION_IDS,
): ValidationResult<AgentDecision> {
  const shape = envelope.safeParse(input);
  if (!shape.success) return { ok: false, errors: issues(shape.error) };
  const { action, parameters, reasoning, confidence } = shape.data;
  if (!isActionId(action)) return { ok: false, errors: [`action: "${action}" is not in the catalogue`] };
  if (!allowed.includes(action)) return { ok: false, errors: [`action: "${action}" is not eligible here`] };
  const params = validateActionParameters(action, parameters);
  if (!params.ok) return { ok: false, errors: params.errors.map((e) => `parameters.${e}`) };
  return { ok: true, value: { action, parameters: params.value, reasoning, confidence } as AgentDecision };
}

type JsonSchema = Record<string, unknown>;

/** OpenAI's strict mode wants every object closed and every property listed as required. */
function strictify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    out[key] = strictify(value);
  }
  if (out.type === 'object') {
    const properties = (out.properties ?? {}) as JsonSchema;
    out.properties = properties;
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

export function parametersJsonSchema(action: ActionId): JsonSchema {
  return strictify(z.toJSONSchema(parameterSchemas[action])) as JsonSchema;
}

/**
 * The JSON schema a model must answer with. `action` is an enum of the allowed catalogue
 * ids; `parameters` is any one of their parameter shapes (JSON schema cannot tie the two
 * together in the subset providers accept, so `parseDecision` checks the pairing).
 */
export function jsonSchemaForDecision(allowed: readonly ActionId[] = ACTION_IDS): JsonSchema {
  const actions = [...new Set(allowed)];
  if (actions.length === 0) throw new RangeError('jsonSchemaForDecision needs at least one action');
  for (const a of actions) if (!isActionId(a)) throw new RangeError(`"${a}" is not in the catalogue`);
  return {
    type: 'object',
    properties: {
      action: { type: 'string', enum: actions, description: 'The id of the chosen action.' },
      parameters: {
        description: "The chosen action's parameters.",
        anyOf: actions.map((a) => ({ ...parametersJsonSchema(a), description: `parameters for ${a}` })),
      },
      reasoning: { type: 'string', description: 'Why this action, citing the observed metrics and goals.' },
      confidence: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        description: 'Confidence that the action will help, 0 to 1.',
      },
    },
    required: ['action', 'parameters', 'reasoning', 'confidence'],
    additionalProperties: false,
  };
}
