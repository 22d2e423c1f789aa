import { z } from 'zod';
import { BadUserInputError } from '../../../platform/errors.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'email is too long')
  .pipe(z.email('email is not a valid address'));

export const registrationSchema = z.object({
  email: emailSchema,
  password: z.string().min(10, 'password needs at least 10 characters').max(128, 'password is too long'),
  name: z.string().trim().min(1, 'name is required').max(100, 'name is too long'),
});

/** Parses client input with zod and reports the first problem as BAD_USER_INPUT. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadUserInputError(issue?.message ?? 'invalid input', issue?.path.join('.') || undefined);
}
