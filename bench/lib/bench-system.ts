import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig, type Config } from '../../platform/config/environment.js';
import { createLogger } from '../../platform/logger.js';
import { startSystem, type System } from '../../app/system.js';
import { startBenchDatabase } from './bench-database.js';
import { graphqlRunsAsProduction } from './graphql-mode.js';

export interface BenchSystem {
  system: System;
  config: Config;
  /** What the database is: the local engine started here, or "external" for MONGODB_URI. */
  database: string;
  /** The local database server's process (under its watchdog), to account for its CPU; none for MONGODB_URI. */
  databasePid?: number;
  /** A subgraph's /graphql URL, as the gateway calls it. */
  subgraphUrl(name: string): string;
  /**
   * Stops the system in this process (its gateway, subgraphs and background work) and leaves
   * the database running, for a benchmark that goes on against services of its own.
   */
  stopSystem(): Promise<void>;
  stop(): Promise<void>;
}

const secret = () => randomBytes(32).toString('hex');

export interface BenchDataOptions {
  /** Keep the local database in `dataDir`/db (a seeded data set) instead of a temporary folder. */
  dataDir?: string;
  /** The databases' prefix, fixed to reuse a data set; a random one (a fresh set) by default. */
  dbPrefix?: string;
  /** Have the driver emit an event per database command (bench:fleet times each statement). */
  monitorCommands?: boolean;
}

/**
 * The whole system in this process on free ports, configured as in production (so nothing
 * development-only is measured), against a database of its own unless MONGODB_URI is set.
 */
export async function startBenchSystem(
  overrides: Record<string, string> = {},
  data: BenchDataOptions = {},
): Promise<BenchSystem> {
  // Measuring development-mode libraries would charge every gateway a cost production does not pay.
  if (!graphqlRunsAsProduction())
    throw new Error("graphql-js loaded outside production mode: import './lib/production-mode.js' first");
  const db = await startBenchDatabase({ dataDir: data.dataDir && path.resolve(data.dataDir, 'db') });
  try {
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'production',
      // The driver emits command events only when asked at connect.
      MONGODB_URI: data.monitorCommands ? withQuery(db.uri, 'monitorCommands=true') : db.uri,
      LOG_LEVEL: 'silent',
      MONGODB_DB_PREFIX: data.dbPrefix ?? `bench${randomBytes(5).toString('hex')}`,
      BCRYPT_ROUNDS: '4',
      JWT_SECRET: secret(),
      INTERNAL_SECRET: secret(),
      ADMIN_EMAIL: 'admin@clutch.bench',
      ADMIN_PASSWORD: secret(),
      // The load comes from one IP and a handful of users: limits out of reach keep every
      // request served while each one still pays for being counted.
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000',
      RATE_LIMIT_API_PER_MINUTE: '1000000000',
      RATE_LIMIT_INGEST_PER_MINUTE: '1000000000',
      // bench:telemetry opens a thousand sockets as one owner, from one IP.
      WS_MAX_SOCKETS_PER_PRINCIPAL: '1000000',
      WS_MAX_ANONYMOUS_SOCKETS_PER_IP: '1000000',
      ...overrides,
    });
    const system = await startSystem(config, createLogger({ level: config.LOG_LEVEL, service: 'bench' }), {
      ephemeralPorts: true,
    });
    let systemStopped: Promise<void> | undefined;
    const stopSystem = () => (systemStopped ??= system.stop());
    return {
      system,
      config,
      database: db.database,
      databasePid: db.pid,
      subgraphUrl(name) {
        const found = system.subgraphs.find((s) => s.name === name);
        if (!found) throw new Error(`the ${name} subgraph is not running`);
        return found.url;
      },
      stopSystem,
      async stop() {
        // On a shared server, leave nothing behind (but a data set asked for by its prefix);
        // a local one goes away with its folder.
        if (db.external && !data.dbPrefix) await dropDatabases(db.uri, config.MONGODB_DB_PREFIX);
        await stopSystem();
        await db.stop();
      },
    };
  } catch (error) {
    await db.stop();
    throw error;
  }
}

const withQuery = (uri: string, param: string) => `${uri}${uri.includes('?') ? '&' : '?'}${param}`;

/** With a client of its own: the system's may be closed already (stopSystem). */
async function dropDatabases(uri: string, prefix: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    const { databases } = await client.db().admin().listDatabases();
    await Promise.all(
      databases.filter((d) => d.name.startsWith(`${prefix}_`)).map((d) => client.db(d.name).dropDatabase()),
    );
  } finally {
    await client.close();
  }
}
