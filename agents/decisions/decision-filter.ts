import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { BadUserInputError } from '../../platform/errors.js';
import { parseInput } from '../../platform/graphql/parse-input.js';
import { TEAM } from '../team/team-definitions.js';
import { TRIGGER_CATEGORIES } from '../triggers/categories.js';
import { DECISION_STATUSES } from './decision.document.js';
import type { DecisionQuery } from './decision.store.js';

const memberIds = TEAM.map((m) => m.id) as [string, ...string[]];

const filterSchema = z
  .object({
    memberId: z
      .enum(memberIds, { error: `memberId must be one of ${memberIds.join(', ')}` })
      .optional()
      .nullable(),
    status: z.enum(DECISION_STATUSES).optional().nullable(),
    category: z
      .enum(TRIGGER_CATEGORIES, { error: `category must be one of ${TRIGGER_CATEGORIES.join(', ')}` })
      .optional()
      .nullable(),
    from: z.date().optional().nullable(),
    to: z.date().optional().nullable(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: 'from must be before to', path: ['from'] });

/** Client filter → a DecisionQuery with only known values; the store builds the query from it. */
export function parseDecisionFilter(input: unknown): DecisionQuery {
  const f = parseInput(filterSchema, input ?? {});
  return {
    ...(f.memberId ? { memberId: f.memberId } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.category ? { category: f.category } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
  };
}

export function parseDecisionId(id: string): ObjectId {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id))
    throw new BadUserInputError('id is not a decision id', 'id');
  return new ObjectId(id);
}
