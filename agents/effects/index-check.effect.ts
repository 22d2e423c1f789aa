import type { Db } from 'mongodb';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { outside, type Effect } from './effect.js';

/** Services whose database this subgraph may inspect: its own only (each subgraph owns its data). */
export const INSPECTABLE_SERVICES = ['agents'] as const;

export interface IndexReport {
  checked: number;
  missing: Array<{ collection: string; key: string }>;
}

const keyOf = (key: unknown) => JSON.stringify(key);

/** Compares what the stores declare with what the database has. Read-only. */
export async function checkIndexes(
  db: Db,
  declared: Readonly<Record<string, IndexDeclaration[]>>,
): Promise<IndexReport> {
  const report: IndexReport = { checked: 0, missing: [] };
  for (const [collection, indexes] of Object.entries(declared)) {
    const existing = await db
      .collection(collection)
      .listIndexes()
      .toArray()
      .catch(() => [] as Array<{ key: unknown }>);
    const present = new Set(existing.map((i) => keyOf(i.key)));
    for (const index of indexes) {
      report.checked++;
      if (!present.has(keyOf(index.key))) report.missing.push({ collection, key: keyOf(index.key) });
    }
  }
  return report;
}

export function indexCheckEffect(
  db: Db,
  declared: Readonly<Record<string, IndexDeclaration[]>>,
): Effect<'check_database_indexes'> {
  return {
    action: 'check_database_indexes',
    targets: async () => ({ services: [...INSPECTABLE_SERVICES] }),
    async refuse({ services }) {
      const foreign = outside(services, INSPECTABLE_SERVICES);
      return foreign.length ? `databases this subgraph does not own: ${foreign.join(', ')}` : null;
    },
    async apply() {
      const report = await checkIndexes(db, declared);
      const summary = report.missing.length
        ? `${report.missing.length} of ${report.checked} indexes missing: ${report.missing.map((m) => `${m.collection} ${m.key}`).join('; ')}`
        : `all ${report.checked} declared indexes present`;
      return { summary, success: report.missing.length === 0 };
    },
  };
}
