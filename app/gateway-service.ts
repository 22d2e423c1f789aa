import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config/environment.js';
import type { EventBus } from '../platform/events/bus.js';
import type { Logger } from '../platform/logger.js';
import { startGateway } from '../gateway/server.js';

/*
 * The gateway alone, apart from system.ts: `SERVICE=gateway` imports only this, so the gateway's
 * process never loads the subgraphs' code, the database driver or the subgraph server.
 */

export const SUPERGRAPH_PATH = path.resolve('schema/supergraph.graphql');

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
