import { HttpVehicleAccess } from '../platform/access/vehicle-access.js';
import type { Config, ServiceName, ServiceUrls } from '../platform/config/environment.js';
import type { EventBus } from '../platform/events/bus.js';
import { createEventBus } from '../platform/events/create-bus.js';
import { opsAccessFromConfig } from '../platform/http/health.js';
import type { Logger } from '../platform/logger.js';
import { connectMongo, type Mongo } from '../platform/mongo/connect.js';
import { portVariable } from '../platform/subgraph/descriptor.js';
import { serveSubgraph, type RunningSubgraph } from '../platform/subgraph/serve-subgraph.js';
import type { RunningGateway } from '../gateway/server.js';
import { startGatewayService } from './gateway-service.js';
import { SUBGRAPHS } from '../subgraphs/registry.js';

// The gateway's start-up lives apart so that SERVICE=gateway loads none of the subgraphs' code.
export { SUPERGRAPH_PATH, startGatewayService } from './gateway-service.js';

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

export type { ServiceUrls };

/** Every subgraph, in start order (the list in subgraphs/registry.ts). */
export const SUBGRAPH_FACTORIES = SUBGRAPHS;

/** An ownership client for subgraphs that authorize by vehicle. */
export const vehicleAccessFor = (deps: Dependencies, urls: ServiceUrls) =>
  new HttpVehicleAccess({ vehiclesUrl: urls.vehicles, internalSecret: deps.config.INTERNAL_SECRET });

export async function startSubgraph(name: ServiceName, deps: Dependencies, urls: ServiceUrls, port: number) {
  const descriptor = SUBGRAPHS.find((s) => s.name === name);
  if (!descriptor) throw new Error(`unknown subgraph ${name}`);
  const { config, logger, mongo, bus } = deps;
  const subgraph = await descriptor.create(
    { config, bus, db: mongo.db(name), logger: logger.child({ subgraph: name }) },
    urls,
  );
  return serveSubgraph(subgraph, {
    host: deps.config.HOST,
    port,
    internalSecret: deps.config.INTERNAL_SECRET,
    logger: deps.logger,
    opsAccess: opsAccessFromConfig(deps.config),
  });
}

export interface System {
  url: string;
  gateway: RunningGateway;
  subgraphs: RunningSubgraph[];
  deps: Dependencies;
  stop(): Promise<void>;
}

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
    for (const { name } of SUBGRAPHS) {
      const running = await startSubgraph(name, deps, urls, options.ephemeralPorts ? 0 : config[portVariable(name)]);
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
