import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '../logger.js';

export interface MongoOptions {
  uri: string;
  /** Each subgraph gets its own database: `<prefix>_<subgraph>`. */
  dbPrefix: string;
  poolSize?: number;
  /** How many times to try the first connection before giving up (default 10). */
  connectRetries?: number;
  serverSelectionTimeoutMS?: number;
  logger: Logger;
}

export interface Mongo {
  client: MongoClient;
  db(subgraph: string): Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects with bounded retries so a database that starts a little after us is fine, and a
 * database that never comes fails the start with the reason. After the first connection the
 * driver reconnects by itself; requests during an outage fail fast (server selection timeout).
 */
export async function connectMongo(options: MongoOptions): Promise<Mongo> {
  const { uri, dbPrefix, logger, poolSize = 20, connectRetries = 10, serverSelectionTimeoutMS = 5000 } = options;
  const client = new MongoClient(uri, {
    maxPoolSize: poolSize,
    serverSelectionTimeoutMS,
    connectTimeoutMS: serverSelectionTimeoutMS,
    appName: 'clutch',
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      break;
    } catch (error) {
      if (attempt >= connectRetries) {
        await client.close().catch(() => undefined);
        throw new Error(`MongoDB unreachable after ${attempt} attempts: ${(error as Error).message}`, { cause: error });
      }
      const delay = Math.min(200 * 2 ** (attempt - 1), 5000);
      logger.warn({ attempt, delay, err: (error as Error).message }, 'mongodb not ready, retrying');
      await sleep(delay);
    }
  }
  logger.info({ dbPrefix }, 'mongodb connected');
  return {
    client,
    db: (subgraph) => client.db(`${dbPrefix}_${subgraph}`),
    async ping() {
      try {
        await client.db('admin').command({ ping: 1 }, { timeoutMS: serverSelectionTimeoutMS });
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
