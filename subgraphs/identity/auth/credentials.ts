import { z } from 'zod';

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

// Moved to the platform kernel so every subgraph validates input the same way.
export { parseInput } from '../../../platform/graphql/parse-input.js';
