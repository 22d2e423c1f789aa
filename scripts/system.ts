import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config/environment.js';
import type { EventBus } from '../platform/events/bus.js';
import { InProcessEventBus } from '../platform/events/in-process.js';
import type { Logger } from '../platform/logger.js';
import { connectMongo, type Mongo } from '../platform/mongo/connect.js';
import { serveSubgraph, type RunningSubgraph } from '../platform/subgraph/serve-subgraph.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { createIdentitySubgraph } from '../subgraphs/identity/index.js';

export const SUPERGRAPH_PATH = path.resolve('schema/supergraph.graphql');

export interface Dependencies {
  config: Config;
  logger: Logger;
  mongo: Mongo;
  bus: EventBus;
}

/** Connects the shared dependencies every service needs. */
export async function connectDependencies(config: Config, logger: Logger): Promise<Dependencies> {
  if (!config.MONGODB_URI) throw new Error('MONGODB_URI is required here');
  const mongo = await connectMongo({
    uri: config.MONGODB_URI,
    dbPrefix: config.MONGODB_DB_PREFIX,
    poolSize: config.MONGODB_POOL_SIZE,
    connectRetries: config.MONGODB_CONNECT_RETRIES,
    serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    logger,
  });
  return { config, logger, mongo, bus: new InProcessEventBus(logger) };
}

export async function startIdentity({ config, logger, mongo, bus }: Dependencies, port = config.IDENTITY_PORT) {
  const subgraph = await createIdentitySubgraph({
    db: mongo.db('identity'),
    bus,
    logger: logger.child({ subgraph: 'identity' }),
    settings: {
      jwtSecret: config.JWT_SECRET,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      bcryptRounds: config.BCRYPT_ROUNDS,
      loginMaxFailures: config.LOGIN_MAX_FAILURES,
      loginLockBaseSeconds: config.LOGIN_LOCK_BASE_SECONDS,
      adminEmail: config.ADMIN_EMAIL,
      adminPassword: config.ADMIN_PASSWORD,
    },
  });
  return serveSubgraph(subgraph, { host: config.HOST, port, internalSecret: config.INTERNAL_SECRET, logger });
}

export function startGatewayService(config: Config, logger: Logger, subgraphUrls: Record<string, string>, port = config.PORT) {
  return startGateway({
    config,
    logger,
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls,
    port,
    host: config.HOST,
  });
}

export interface System {
  url: string;
  gateway: RunningGateway;
  subgraphs: RunningSubgraph[];
  deps: Dependencies;
  stop(): Promise<void>;
}

export interface SystemPorts {
  gateway?: number;
  identity?: number;
}

/** The embedded mode: every subgraph and the gateway in this process, each on its own port. */
export async function startSystem(config: Config, logger: Logger, ports: SystemPorts = {}): Promise<System> {
  const deps = await connectDependencies(config, logger);
  const subgraphs: RunningSubgraph[] = [];
  try {
    subgraphs.push(await startIdentity(deps, ports.identity));
    const urls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
    const gateway = await startGatewayService(config, logger, urls, ports.gateway);
    return {
      url: gateway.url,
      gateway,
      subgraphs,
      deps,
      async stop() {
        // Outside in: stop taking requests, let in-flight ones finish, then close the database.
        await gateway.stop();
        await Promise.all(subgraphs.map((s) => s.stop()));
        await deps.bus.close();
        await deps.mongo.close();
      },
    };
  } catch (error) {
    await Promise.all(subgraphs.map((s) => s.stop().catch(() => undefined)));
    await deps.mongo.close().catch(() => undefined);
    throw error;
  }
}
