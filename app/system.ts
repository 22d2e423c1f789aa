import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HttpVehicleAccess } from '../platform/access/vehicle-access.js';
import type { Config, ServiceName } from '../platform/config/environment.js';
import type { EventBus } from '../platform/events/bus.js';
import { createEventBus } from '../platform/events/create-bus.js';
import { opsAccessFromConfig } from '../platform/http/health.js';
import type { Logger } from '../platform/logger.js';
import { connectMongo, type Mongo } from '../platform/mongo/connect.js';
import { serveSubgraph, type RunningSubgraph, type Subgraph } from '../platform/subgraph/serve-subgraph.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { createAgentsSubgraph } from '../agents/index.js';
import { agentsSettingsFromConfig } from '../agents/settings.js';
import { createHealthSubgraph, HttpVehicleDirectory } from '../subgraphs/health/index.js';
import { createIdentitySubgraph } from '../subgraphs/identity/index.js';
import { createTelemetrySubgraph } from '../subgraphs/telemetry/index.js';
import { createVehiclesSubgraph } from '../subgraphs/vehicles/index.js';
import { HttpAccountDirectory } from '../subgraphs/vehicles/provisioning/accounts.js';

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
  // The database prefix names the deployment, so it also keeps its events apart on a shared Redis.
  const bus = createEventBus({ redisUrl: config.REDIS_URL, namespace: config.MONGODB_DB_PREFIX, logger });
  return { config, logger, mongo, bus };
}

/** Where the other services answer, for a subgraph that calls one (vehicle ownership, say). */
export type ServiceUrls = Record<ServiceName, string>;

type SubgraphFactory = (deps: Dependencies, urls: ServiceUrls) => Promise<Subgraph>;

/** Every subgraph, in start order: one only calls those started before it. */
export const SUBGRAPH_FACTORIES: { name: ServiceName; create: SubgraphFactory }[] = [
  {
    name: 'identity',
    create: ({ config, logger, mongo, bus }) =>
      createIdentitySubgraph({
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
          loginEmailSlowdownAfter: config.LOGIN_EMAIL_SLOWDOWN_AFTER,
          loginEmailWindowSeconds: config.LOGIN_EMAIL_WINDOW_SECONDS,
          loginEmailSlowdownSeconds: config.LOGIN_EMAIL_SLOWDOWN_SECONDS,
          loginKnownClientDays: config.LOGIN_KNOWN_CLIENT_DAYS,
          passwordHashConcurrency: config.PASSWORD_HASH_CONCURRENCY,
          passwordHashQueue: config.PASSWORD_HASH_QUEUE,
          adminEmail: config.ADMIN_EMAIL,
          adminPassword: config.ADMIN_PASSWORD,
        },
      }),
  },
  {
    name: 'vehicles',
    create: ({ config, logger, mongo, bus }, urls) =>
      createVehiclesSubgraph({
        db: mongo.db('vehicles'),
        bus,
        logger: logger.child({ subgraph: 'vehicles' }),
        accounts: new HttpAccountDirectory({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
      }),
  },
  {
    name: 'telemetry',
    create: (deps, urls) =>
      createTelemetrySubgraph({
        db: deps.mongo.db('telemetry'),
        bus: deps.bus,
        logger: deps.logger.child({ subgraph: 'telemetry' }),
        access: vehicleAccessFor(deps, urls),
        settings: {
          retentionDays: deps.config.TELEMETRY_RETENTION_DAYS,
          retentionIntervalMinutes: deps.config.TELEMETRY_RETENTION_INTERVAL_MINUTES,
          subscriberQueue: deps.config.SUBSCRIPTION_MAX_QUEUE,
        },
      }),
  },
  {
    name: 'health',
    create: (deps, urls) =>
      createHealthSubgraph({
        db: deps.mongo.db('health'),
        bus: deps.bus,
        logger: deps.logger.child({ subgraph: 'health' }),
        access: vehicleAccessFor(deps, urls),
        directory: new HttpVehicleDirectory({
          vehiclesUrl: urls.vehicles,
          internalSecret: deps.config.INTERNAL_SECRET,
        }),
        settings: {
          subscriberQueue: deps.config.SUBSCRIPTION_MAX_QUEUE,
          retentionDays: deps.config.HEALTH_RETENTION_DAYS,
          retentionIntervalMinutes: deps.config.HEALTH_RETENTION_INTERVAL_MINUTES,
          consumer: {
            batchSize: deps.config.HEALTH_CONSUMER_BATCH_SIZE,
            claimIdleMs: deps.config.HEALTH_CONSUMER_CLAIM_IDLE_MS,
            concurrency: deps.config.HEALTH_CONSUMER_CONCURRENCY,
          },
        },
      }),
  },
  {
    name: 'agents',
    create: (deps, urls) =>
      createAgentsSubgraph({
        db: deps.mongo.db('agents'),
        bus: deps.bus,
        logger: deps.logger.child({ subgraph: 'agents' }),
        settings: agentsSettingsFromConfig(deps.config, urls.identity),
      }),
  },
];

/** An ownership client for subgraphs that authorize by vehicle. */
export const vehicleAccessFor = (deps: Dependencies, urls: ServiceUrls) =>
  new HttpVehicleAccess({ vehiclesUrl: urls.vehicles, internalSecret: deps.config.INTERNAL_SECRET });

export async function startSubgraph(name: ServiceName, deps: Dependencies, urls: ServiceUrls, port: number) {
  const factory = SUBGRAPH_FACTORIES.find((f) => f.name === name);
  if (!factory) throw new Error(`unknown subgraph ${name}`);
  const subgraph = await factory.create(deps, urls);
  return serveSubgraph(subgraph, {
    host: deps.config.HOST,
    port,
    internalSecret: deps.config.INTERNAL_SECRET,
    logger: deps.logger,
    opsAccess: opsAccessFromConfig(deps.config),
  });
}

export function startGatewayService(
  config: Config,
  logger: Logger,
  subgraphUrls: Record<string, string>,
  port = config.PORT,
  bus?: EventBus,
) {
  return startGateway({
    config,
    logger,
    supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls,
    port,
    host: config.HOST,
    bus,
  });
}

export interface System {
  url: string;
  gateway: RunningGateway;
  subgraphs: RunningSubgraph[];
  deps: Dependencies;
  stop(): Promise<void>;
}

const portKey = (name: ServiceName) => `${name.toUpperCase()}_PORT` as `${Uppercase<ServiceName>}_PORT`;

/**
 * The embedded mode: every subgraph and the gateway in this process, each on its own port.
 * `ephemeralPorts` (tests) puts every service on a free port instead of the configured one.
 */
export async function startSystem(
  config: Config,
  logger: Logger,
  options: { ephemeralPorts?: boolean } = {},
): Promise<System> {
  const deps = await connectDependencies(config, logger);
  const subgraphs: RunningSubgraph[] = [];
  const urls: ServiceUrls = { ...config.serviceUrls };
  try {
    for (const { name } of SUBGRAPH_FACTORIES) {
      const running = await startSubgraph(name, deps, urls, options.ephemeralPorts ? 0 : config[portKey(name)]);
      urls[name] = running.url;
      subgraphs.push(running);
    }
    const subgraphUrls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
    const gateway = await startGatewayService(
      config,
      logger,
      subgraphUrls,
      options.ephemeralPorts ? 0 : config.PORT,
      deps.bus,
    );
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
    await deps.bus.close().catch(() => undefined);
    await deps.mongo.close().catch(() => undefined);
    throw error;
  }
}
