import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Registry } from 'prom-client';
import type { Config } from '../../platform/config/environment.js';
import { RateLimitedError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { RateLimitOverrideListener } from '../../platform/ops/rate-limit-overrides.js';
import type { GatewayContext } from '../context.js';
import { authFailureGuard, UNGUARDED, type AuthFailureGuard } from './auth-failures.js';
import { rootFields } from './keys.js';
import { createRateLimitMetrics } from './metrics.js';
import { OperationRateLimiter, type RuleFactors } from './operation-rate-limiter.js';
import { RefusalLog, type RefusalLogOptions } from './refusal-log.js';
import { RULE_SCOPES, rateLimitOptionsFromConfig, rateLimitRules } from './rules.js';
import { createLimiterStore } from './store.js';

export interface RateLimits {
  /** Charges a parsed, validated operation; the error to refuse it with when it is over a limit. */
  charge(
    schema: GraphQLSchema | undefined,
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    context: GatewayContext,
  ): Promise<RateLimitedError | undefined>;
  /** Failed authentications per client IP (RATE_LIMIT_AUTH_FAILURES_PER_MINUTE), over HTTP and graphql-ws. */
  authFailures: AuthFailureGuard;
  close(): Promise<void>;
}

const UNLIMITED: RateLimits = {
  charge: async () => undefined,
  authFailures: UNGUARDED,
  close: async () => undefined,
};

/**
 * The gateway's rate limits from configuration: counters in Redis when REDIS_URL is set (under
 * the deployment's MONGODB_DB_PREFIX, as the event bus), in memory otherwise; nothing at all
 * when RATE_LIMITS_ENABLED is false. `overrides` scales each rule's limit for a while (the
 * agents' tighten and relax actions).
 */
export async function startRateLimits(
  config: Config,
  logger: Logger,
  registry: Registry,
  overrides?: RateLimitOverrideListener,
  refusalLog?: RefusalLogOptions,
): Promise<RateLimits> {
  const options = rateLimitOptionsFromConfig(config);
  if (!options.enabled) {
    logger.info('rate limits: disabled (RATE_LIMITS_ENABLED=false)');
    return UNLIMITED;
  }
  const store = await createLimiterStore({ redisUrl: config.REDIS_URL, namespace: config.MONGODB_DB_PREFIX, logger });
  const factors: RuleFactors = (rule) => overrides?.factor(RULE_SCOPES[rule]) ?? 1;
  const limiter = new OperationRateLimiter(rateLimitRules(options), store, logger, factors);
  const metrics = createRateLimitMetrics(registry, factors);
  const refusals = new RefusalLog(logger, refusalLog);
  return {
    async charge(schema, document, operation, context) {
      const refusal = await limiter.charge(rootFields(schema, document, operation), context.viewer, context.clientIp);
      if (!refusal) return undefined;
      metrics.refused.inc({ rule: refusal.rule });
      refusals.refused(
        context.logger,
        `${refusal.key.kind}:${refusal.key.id}`,
        { rule: refusal.rule, keyKind: refusal.key.kind, clientIp: context.clientIp },
        'operation refused: rate limited',
      );
      return new RateLimitedError(
        `Too many requests (${refusal.rule} limit); try again in ${refusal.retryAfterSeconds} s`,
        refusal.retryAfterSeconds,
      );
    },
    authFailures: authFailureGuard({
      store,
      limit: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
      logger,
      refusals,
      hooks: {
        onFailure: () => metrics.authFailures.inc(),
        onRefused: () => metrics.refused.inc({ rule: 'auth-failures' }),
      },
    }),
    async close() {
      refusals.close();
      await store.close();
    },
  };
}
