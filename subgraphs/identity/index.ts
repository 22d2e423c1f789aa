import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { ApiKeyService } from './api-keys/api-key.service.js';
import { ApiKeyStore } from './api-keys/api-key.store.js';
import { mountApiKeyVerification } from './api-keys/verify.route.js';
import { AuditStore } from './audit/audit.store.js';
import { AuthService } from './auth/auth.service.js';
import { createLoginProtection, type LoginSettings } from './auth/login-protection.js';
import { RefreshTokenStore } from './auth/refresh-token.store.js';
import { mountRevokedSessionsRoute } from './auth/revoked-sessions.route.js';
import { SessionRevocations } from './auth/session-revocations.js';
import { TokenService } from './auth/token.service.js';
import { buildIdentitySchema } from './schema.js';
import { AccountProvisioning } from './users/account-provisioning.js';
import { ensureAdmin } from './users/admin-bootstrap.js';
import { mountProvisionRoutes } from './users/provision.route.js';
import { serveVehicleDataReads } from './audit/vehicle-reads.route.js';
import { mountRoleGrantRoute } from './users/role-grant.route.js';
import { mountAccountEmailsRoute, mountAccountNamesRoute, mountStatsRoute } from './users/stats.route.js';
import { createUserLoader } from './users/user.loader.js';
import { UserStore } from './users/user.store.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import { identityRoutes } from './contract.js';
import { IDENTITY_INDEXES } from './declared-indexes.js';

export interface IdentitySettings extends LoginSettings {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  adminEmail?: string;
  adminPassword?: string;
}

export interface IdentityDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: IdentitySettings;
}

export async function createIdentitySubgraph({ db, bus, logger, settings }: IdentityDeps): Promise<Subgraph> {
  const users = new UserStore(db);
  const audit = new AuditStore(db);
  const refreshTokens = new RefreshTokenStore(db);
  const apiKeyStore = new ApiKeyStore(db);
  await Promise.all([users.init(), audit.init(), refreshTokens.init(), apiKeyStore.init()]);

  const sessionRevocations = new SessionRevocations(bus, refreshTokens, settings.accessTtlSeconds, logger);
  const tokens = new TokenService(refreshTokens, settings, sessionRevocations);
  const login = await createLoginProtection(db, settings, logger);
  const auth = new AuthService(users, tokens, login.throttle, audit, bus, login.hasher, logger, login.metrics);
  const apiKeys = new ApiKeyService(apiKeyStore, audit, bus);
  await ensureAdmin(
    users,
    audit,
    {
      email: settings.adminEmail,
      password: settings.adminPassword,
      hash: (password) => login.hasher.hashNow(password),
    },
    logger,
  );

  return {
    name: 'identity',
    schema: await buildIdentitySchema({ auth, users, audit, apiKeys }),
    context: () => ({ userLoader: createUserLoader(users) }),
    internalRoutes: (router) => {
      serveIndexCheck(router, identityRoutes.indexes, 'identity', db, IDENTITY_INDEXES);
      mountApiKeyVerification(router, apiKeys);
      mountRevokedSessionsRoute(router, sessionRevocations);
      mountStatsRoute(router, users);
      mountAccountNamesRoute(router, users);
      mountAccountEmailsRoute(router, users);
      mountProvisionRoutes(router, new AccountProvisioning(users, audit));
      serveVehicleDataReads(router, audit);
      mountRoleGrantRoute(router, users, audit);
    },
    healthChecks: { database: databaseCheck(db) },
    registerMetrics: (registry) => login.metrics.register(registry),
    stop: () => login.stop(),
  };
}
