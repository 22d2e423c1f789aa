import type { Router } from 'express';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { internalRoute, serveInternalRoute, type InternalRoute } from '../http/internal-route.js';
import type { IndexDeclaration } from '../mongo/indexes.js';

/**
 * Every service's index check, one shape for all: each service declares the route in its own
 * contract (`indexCheckRoute('<service>')`) and serves it over its own database and declared
 * indexes (`serveIndexCheck`); the agents' `check_database_indexes` calls each service's route
 * through that contract, never reading another service's database.
 */
export const indexReportSchema = z.object({
  service: z.string(),
  /** Declared indexes compared with the database. */
  checked: z.number().int().nonnegative(),
  missing: z.array(z.object({ collection: z.string(), key: z.string() })),
});
export type IndexReport = z.infer<typeof indexReportSchema>;

export const indexCheckRoute = (service: string) =>
  internalRoute({
    method: 'GET',
    path: `/internal/${service}/indexes`,
    request: z.object({}),
    response: indexReportSchema,
  });

const keyOf = (key: unknown) => JSON.stringify(key);

/** Compares what the stores declare with what the database has. Read-only. */
export async function checkIndexes(
  service: string,
  db: Db,
  declared: Readonly<Record<string, IndexDeclaration[]>>,
): Promise<IndexReport> {
  const report: IndexReport = { service, checked: 0, missing: [] };
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

/** Serves a service's index check on its internal router. */
export function serveIndexCheck(
  router: Router,
  route: InternalRoute<z.ZodObject<Record<string, never>>, typeof indexReportSchema>,
  service: string,
  db: Db,
  declared: Readonly<Record<string, IndexDeclaration[]>>,
): void {
  serveInternalRoute(router, route, () => checkIndexes(service, db, declared));
}
