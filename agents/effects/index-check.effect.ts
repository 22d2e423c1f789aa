import type { Db } from 'mongodb';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { checkIndexes, type IndexReport } from '../../platform/ops/index-check.js';
import { outside, type Effect } from './effect.js';

export { checkIndexes, type IndexReport };

/** Asks one service for its index check (through its contract's internal route). */
export type IndexChecker = () => Promise<IndexReport>;

/**
 * Compares each service's declared indexes with its database: the agents' own here, every other
 * service's through the index-check route its contract declares (platform/ops/index-check.ts),
 * since no service reads another's database. Read-only; a service that does not answer is
 * reported as such and makes the check fail.
 */
export function indexCheckEffect(deps: {
  own: { service: string; db: Db; declared: Readonly<Record<string, IndexDeclaration[]>> };
  others: Readonly<Record<string, IndexChecker>>;
}): Effect<'check_database_indexes'> {
  const checkers: Record<string, IndexChecker> = {
    ...deps.others,
    [deps.own.service]: () => checkIndexes(deps.own.service, deps.own.db, deps.own.declared),
  };
  const inspectable = Object.keys(checkers);
  return {
    action: 'check_database_indexes',
    targets: async () => ({ services: inspectable as never }),
    async refuse({ services }) {
      const unknown = outside(services, inspectable);
      return unknown.length ? `no index check for: ${unknown.join(', ')}` : null;
    },
    async apply({ services }) {
      const results = await Promise.all(
        [...new Set(services)].map(async (service) => {
          try {
            return { service, report: await checkers[service]() };
          } catch (err) {
            return { service, error: (err as Error).message.slice(0, 200) };
          }
        }),
      );
      const lines: string[] = [];
      let success = true;
      for (const r of results) {
        if (!r.report) {
          success = false;
          lines.push(`${r.service}: not checked (${r.error})`);
        } else if (r.report.missing.length) {
          success = false;
          lines.push(
            `${r.service}: ${r.report.missing.length} of ${r.report.checked} indexes missing: ${r.report.missing
              .map((m) => `${m.collection} ${m.key}`)
              .join('; ')}`,
          );
        } else lines.push(`${r.service}: all ${r.report.checked} declared indexes present`);
      }
      return { summary: lines.join(' | ').slice(0, 2000), success };
    },
  };
}
