import { z } from 'zod';
import { BadUserInputError, NotFoundError } from '../../platform/errors.js';
import { parseInput } from '../../platform/graphql/parse-input.js';
import type { Clock } from '../clock.js';
import type { GoalChangeStore } from './goal-change.store.js';
import { COUNT_UNITS, type GoalSourceValue } from './goal-definitions.js';
import { expectedValue, isOnTrack, progressOf, trendOf } from './goal-math.js';
import type { GoalDocument, GoalPatch, GoalStore } from './goal.store.js';
import type { Goal, GoalDirection, GoalSource, GoalTrend } from './goal.type.js';

const figure = z.number().finite().min(-1e12).max(1e12);
const updateSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]{1,64}$/, 'not a goal id'),
  current: figure.optional().nullable(),
  target: figure.optional().nullable(),
  dueAt: z.date().optional().nullable(),
  reason: z.string().trim().min(3, 'reason needs at least 3 characters').max(500),
});

export function toGoal(doc: GoalDocument, now: number): Goal {
  const figures = { ...doc, startedAt: new Date(doc.startedAt), dueAt: doc.dueAt ? new Date(doc.dueAt) : null };
  return {
    id: doc._id,
    name: doc.name,
    category: doc.category,
    current: doc.current,
    target: doc.target,
    unit: doc.unit,
    progress: progressOf(doc),
    trend: trendOf(doc.samples, doc.current) as GoalTrend,
    source: doc.source as GoalSource,
    direction: doc.direction as GoalDirection,
    startValue: doc.startValue,
    expected: expectedValue(figures, now),
    onTrack: isOnTrack(figures, now),
    dueAt: doc.dueAt,
    updatedAt: doc.updatedAt,
    history: doc.samples,
  };
}

/**
 * What a goal's figures can be: every goal here measures a quantity that is never negative, a
 * share is at most 100 %, and a count is whole. Refused before anything is stored.
 */
function checkFigure(goal: GoalDocument, field: 'current' | 'target', value: number | null | undefined): void {
  if (value === undefined || value === null) return;
  if (value < 0) throw new BadUserInputError(`${field}: ${goal.name} cannot be negative`, field);
  if (goal.unit === '%' && value > 100) throw new BadUserInputError(`${field}: a share is at most 100 %`, field);
  if (COUNT_UNITS.includes(goal.unit) && !Number.isInteger(value))
    throw new BadUserInputError(`${field}: ${goal.unit} are counted in whole numbers`, field);
}

const show = (v: number | Date | null | undefined) =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

export class GoalService {
  constructor(
    private readonly goals: GoalStore,
    private readonly changes: GoalChangeStore,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Goal[]> {
    const now = this.clock.now();
    return (await this.goals.list()).map((d) => toGoal(d, now));
  }

  async get(id: string): Promise<Goal | null> {
    const doc = await this.goals.findById(String(id));
    return doc ? toGoal(doc, this.clock.now()) : null;
  }

  /** An admin's change, recorded field by field in the audit trail. */
  async update(input: unknown, actorId: string): Promise<Goal> {
    const { id, current, target, dueAt, reason } = parseInput(updateSchema, input);
    const goal = await this.goals.findById(id);
    if (!goal) throw new NotFoundError('Goal');
    const patch: GoalPatch = {};
    checkFigure(goal, 'current', current);
    checkFigure(goal, 'target', target);
    if (current !== undefined && current !== null) {
      if (goal.source !== 'MANUAL') {
        throw new BadUserInputError(
          `${goal.name} is fed by ${goal.source.toLowerCase()}; only its target can be set`,
          'current',
        );
      }
      patch.current = current;
    }
    if (target !== undefined && target !== null) patch.target = target;
    if (dueAt !== undefined && dueAt !== null) {
      if (dueAt.getTime() <= new Date(goal.startedAt).getTime())
        throw new BadUserInputError('dueAt must be after the goal started', 'dueAt');
      patch.dueAt = dueAt;
    }
    if (Object.keys(patch).length === 0)
      throw new BadUserInputError('Nothing to change: give current, target or dueAt');
    const at = new Date(this.clock.now());
    const updated = await this.goals.update(id, patch, at);
    if (!updated) throw new NotFoundError('Goal');
    await this.changes.record(
      (Object.keys(patch) as Array<keyof GoalPatch>).map((field) => ({
        goalId: id,
        field,
        from: show(goal[field]),
        to: show(patch[field]),
        actorId,
        reason,
        at,
      })),
    );
    return toGoal(updated, at.getTime());
  }

  /** A live metric's latest figure, for goals fed by `source`. */
  setLive(key: string, source: GoalSourceValue, value: number): Promise<GoalDocument | null> {
    return this.goals.setLive(key, source, value, new Date(this.clock.now()));
  }

  /** Goals with a deadline (the business trigger watches these). */
  async trackable(): Promise<GoalDocument[]> {
    return (await this.goals.list()).filter((g) => g.dueAt !== null);
  }
}
