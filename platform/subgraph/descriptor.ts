import type { GraphQLSchema } from 'graphql';
import type { Db } from 'mongodb';
import type { Config, ServiceUrls } from '../config/environment.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import type { Subgraph } from './serve-subgraph.js';

/** What one subgraph is built from: its own database, the shared bus, the config, a logger named for it. */
export interface SubgraphDependencies {
  config: Config;
  logger: Logger;
  db: Db;
  bus: EventBus;
}

/**
 * All the system needs to know about one subgraph; subgraphs/registry.ts lists them, and the
 * start-up program, service mode, config (ports, URLs), composition and health checks read
 * that list. The config reads it too, so a descriptor must stay light: it loads its
 * subgraph's code only inside `create` and `buildSchema` (dynamic imports). Declare it with
 * its type, `SubgraphDescriptor<'name'>`: the config's types are read from the list, and an
 * inferred type would make them depend on themselves.
 */
export interface SubgraphDescriptor<N extends string = string> {
  /** `SERVICE=<name>`, its database `<MONGODB_DB_PREFIX>_<name>`, `<NAME>_PORT` and `<NAME>_URL`. */
  readonly name: N;
  /** Default of `<NAME>_PORT`: where it listens unless told otherwise. */
  readonly port: number;
  /** Builds the subgraph; `urls` says where the subgraphs it calls answer (started before it). */
  create(deps: SubgraphDependencies, urls: ServiceUrls): Promise<Subgraph>;
  /** Its schema with no dependencies, to compose the supergraph. */
  buildSchema(): Promise<GraphQLSchema>;
}

export const portVariable = <N extends string>(name: N) => `${name.toUpperCase()}_PORT` as `${Uppercase<N>}_PORT`;
export const urlVariable = <N extends string>(name: N) => `${name.toUpperCase()}_URL` as `${Uppercase<N>}_URL`;

/** Where a subgraph answers when it runs on this machine. */
export const localUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
