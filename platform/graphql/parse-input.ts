import type { z } from 'zod';
import { BadUserInputError } from '../errors.js';

/** Parses client input with zod and reports the first problem as BAD_USER_INPUT. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadUserInputError(issue?.message ?? 'invalid input', issue?.path.join('.') || undefined);
}
