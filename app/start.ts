/**
 * `npm start`: the whole system in one process on its embedded defaults. Without MONGODB_URI
 * a local database (mongod if installed, otherwise FerretDB) runs with its data under DATA_DIR (.data/).
 */
import 'reflect-metadata';
import path from 'node:path';
import { loadConfigOrExit } from '../platform/config/environment.js';
import { startLocalDatabase, type LocalDatabase } from '../platform/local-db/local-database.js';
import { createLogger } from '../platform/logger.js';
import { onShutdown } from './shutdown.js';
import { startSystem } from './system.js';

let config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, service: 'clutch' });

let database: LocalDatabase | undefined;
if (!config.MONGODB_URI) {
  database = await startLocalDatabase({ dataDir: path.resolve(config.DATA_DIR, 'db'), root: process.cwd() });
  config = { ...config, MONGODB_URI: database.uri };
  logger.info({ engine: database.engine, uri: database.uri }, 'local database started');
}

try {
  const system = await startSystem(config, logger);
  onShutdown(logger, async () => {
    await system.stop();
    await database?.stop();
  });
  console.log(`\nClutch is up: ${system.url} (GraphQL, playground in a browser, WebSocket)\n`);
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  await database?.stop();
  process.exit(1);
}
