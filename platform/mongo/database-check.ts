import type { Db } from 'mongodb';
import type { HealthCheck } from '../http/health.js';

/** A subgraph's `/health` check of its database: a ping, which fails while the server is unreachable. */
export const databaseCheck =
  (db: Db): HealthCheck =>
  async () => {
    await db.command({ ping: 1 });
    return true;
  };
