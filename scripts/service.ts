/**
 * Production mode: one service per process, picked by `SERVICE` or the first argument
 * (`gateway` or `identity`), against MONGODB_URI (and REDIS_URL once events cross processes).
 */
import 'reflect-metadata';
import { loadConfig, ConfigError } from '../platform/config/environment.js';
import { createLogger } from '../platform/logger.js';
import { onShutdown } from './shutdown.js';
import { connectDependencies, startGatewayService, startIdentity } from './system.js';

const SERVICES = ['gateway', 'identity'] as const;
const name = process.argv[2] ?? process.env.SERVICE;
if (!SERVICES.includes(name as never)) {
  console.error(`Usage: SERVICE=<${SERVICES.join('|')}> npm run service  (got ${JSON.stringify(name)})`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const logger = createLogger({ level: config.LOG_LEVEL, service: name! });

try {
  if (name === 'gateway') {
    const gateway = await startGatewayService(config, logger, { identity: config.IDENTITY_URL });
    onShutdown(logger, () => gateway.stop());
  } else {
    const deps = await connectDependencies(config, logger);
    const identity = await startIdentity(deps);
    onShutdown(logger, async () => {
      await identity.stop();
      await deps.mongo.close();
    });
  }
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
