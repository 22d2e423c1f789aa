import { MongoClient, ObjectId, type Db } from 'mongodb';
import { isUnitRun, NO_SERVERS_IN_UNIT_TESTS } from './test-database.js';

export interface ScratchDatabaseOptions {
  /**
   * Stops what still writes to the database (subgraphs, consumers, buses) before it is dropped. An
   * afterAll of the file's own would come too late: jest runs afterAll hooks in registration order.
   */
  beforeDrop?: () => Promise<void>;
  /** Emits the driver's command events on `db().client`, for tests that check the queries sent (test/indexed-queries.ts). */
  monitorCommands?: boolean;
}

/**
 * Gives the calling test file a database of its own on the shared test server (started by the jest
 * global setup), so files running side by side never see each other's data, and drops it after
 * the file. Hooks that build stores on it go after this call: beforeAll hooks run in that order.
 */
export function useScratchDatabase(
  prefix: string,
  { beforeDrop, monitorCommands = false }: ScratchDatabaseOptions = {},
): () => Db {
  let client: MongoClient | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    const uri = process.env.MONGODB_URI;
    if (isUnitRun()) throw new Error(NO_SERVERS_IN_UNIT_TESTS);
    if (!uri) throw new Error('MONGODB_URI is unset: the jest global setup starts the test database');
    client = await MongoClient.connect(uri, { monitorCommands });
    db = client.db(`${prefix}_${new ObjectId().toHexString()}`);
  });
  afterAll(async () => {
    try {
      await beforeDrop?.();
      await db?.dropDatabase();
    } finally {
      await client?.close();
    }
  });
  return () => {
    if (!db) throw new Error('the scratch database exists only from beforeAll on');
    return db;
  };
}
