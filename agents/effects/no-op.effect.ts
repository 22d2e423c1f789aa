import type { Effect } from './effect.js';

export const noOpEffect: Effect<'no_op'> = {
  action: 'no_op',
  targets: async () => ({}),
  refuse: async () => null,
  apply: async () => ({ summary: 'nothing done', success: true }),
};
