/**
 * Production mode: one service per process, picked by `SERVICE` or the first argument,
 * against MONGODB_URI and REDIS_URL; subgraphs find each other through <NAME>_URL. `all` runs
 * every service in one process against the given database (a single small deployment).
 */
import 'reflect-metadata';
import { loadConfigOrExit, SERVICE_NAMES, type ServiceName } from '../platform/config/environment.js';
import { portVariable } from '../platform/subgraph/descriptor.js';
import { createEventBus } from '../platform/events/create-bus.js';
import { createLogger } from '../platform/logger.js';
import { onShutdown } from './shutdown.js';

const name = process.argv[2] ?? process.env.SERVICE;
const known = ['gateway', 'all', ...SERVICE_NAMES];
if (!name || !known.includes(name)) {
  console.error(`Usage: SERVICE=<${known.join('|')}> npm run service  (got ${JSON.stringify(name)})`);
  process.exit(2);
}

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: name });

try {
  // Imported by service, so that the gateway's process loads none of the subgraphs' code.
  if (name === 'all') {
    const { startSystem } = await import('./system.js');
    const system = await startSystem(config, logger);
    onShutdown(logger, () => system.stop());
  } else if (name === 'gateway') {
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, config.serviceUrls[n]]));
    const { startGatewayService } = await import('./gateway-service.js');
    const bus = createEventBus({ redisUrl: config.REDIS_URL, namespace: config.MONGODB_DB_PREFIX, logger });
    const gateway = await startGatewayService(config, logger, urls, config.PORT, bus);
    onShutdown(logger, async () => {
      await gateway.stop();
      await bus.close();
    });
  } else {
    const serviceName = name as ServiceName;
    const { connectDependencies, startSubgraph } = await import('./system.js');
    const deps = await connectDependencies(config, logger);
    const subgraph = await startSubgraph(serviceName, deps, config.serviceUrls, config[portVariable(serviceName)]);
    onShutdown(logger, async () => {
      await subgraph.stop();
      await deps.bus.close();
      await deps.mongo.close();
    });
  }
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
