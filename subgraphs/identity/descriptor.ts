import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const identitySubgraph: SubgraphDescriptor<'identity'> = {
  name: 'identity',
  port: 4001,
  buildSchema: async () => (await import('./schema.js')).buildIdentitySchema(),
  create: async ({ config, logger, db, bus }) => {
    const { createIdentitySubgraph } = await import('./index.js');
    return createIdentitySubgraph({
      db,
      bus,
      logger,
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
    });
  },
};
