import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Config } from '../platform/config/environment.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { startSystem, type System } from '../app/system.js';
import { postJson, type GraphQLResponse, type RequestOptions } from './client.js';
import { print } from 'graphql';

export const ADMIN = { email: 'admin@clutch.test', password: 'admin-password-123' };

/** What production refuses to start without (MONGODB_URI comes from the test database). */
export const PRODUCTION_SECRETS = { JWT_SECRET: 'j'.repeat(40), INTERNAL_SECRET: 'i'.repeat(40) };

export interface TestSystem {
  system: System;
  config: Config;
  url: string;
  baseUrl: string;
  request<TData, TVars>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<TData>>;
  stop(): Promise<void>;
}

/**
 * The whole system in this process on free ports, against the real test database, in a
 * database namespace of its own so test files never see each other's data. `env` may set
 * NODE_ENV=production (with PRODUCTION_SECRETS); `logger` replaces the silent one.
 */
export async function startTestSystem(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestSystem> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_DB_PREFIX: `t${randomBytes(5).toString('hex')}`,
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: '2000',
    BCRYPT_ROUNDS: '4',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // The suites register dozens of users from 127.0.0.1 within seconds and drive thousands of
    // operations from one user or device, far past the production limits; these keep them all
    // under the limits while still counting. test/rate-limits.e2e.test.ts sets low ones.
    RATE_LIMIT_AUTH_PER_MINUTE: '10000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    RATE_LIMIT_API_PER_MINUTE: '100000',
    RATE_LIMIT_INGEST_PER_MINUTE: '100000',
    // Tests of refused credentials send many from 127.0.0.1; rate-limits.e2e sets a low limit.
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    // No-op controls are drawn per firing: a test that expects the loop to act would fail one
    // run in ten. Tests of the controls set their own share.
    AGENTS_CONTROL_SHARE: '0',
    ...env,
  });
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, service: 'test' });
  const system = await startSystem(config, logger, { ephemeralPorts: true });
  return {
    system,
    config,
    url: system.url,
    baseUrl: new URL(system.url).origin,
    request: (document, variables, options = {}) =>
      postJson(system.url, { query: print(document), variables }, options) as never,
    async stop() {
      const db = system.deps.mongo;
      await Promise.all(
        (await db.client.db().admin().listDatabases()).databases
          .filter((d) => d.name.startsWith(`${config.MONGODB_DB_PREFIX}_`))
          .map((d) => db.client.db(d.name).dropDatabase()),
      ).catch(() => undefined);
      await system.stop();
    },
  };
}
