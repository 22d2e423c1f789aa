import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Registry } from 'prom-client';
import type { Config } from '../../platform/config/environment.js';
import { RateLimitedError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { RateLimitOverrideListener } from '../../platform/ops/rate-limit-overrides.js';
import type { GatewayContext } from '../context.js';
import { authFailureGuard, UNGUARDED, type AuthFailureGuard } from './auth-failures.js';
import { blockOn, blockRetryAfterSeconds } from './client-blocks.js';
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
  // A client block is an operator's targeted refusal, not a limit: it holds with the limits off too.
  const blocked = (context: GatewayContext): RateLimitedError | undefined => {
    const block = blockOn(overrides, context.viewer, context.clientIp);
    if (!block) return undefined;
    const retryAfterSeconds = blockRetryAfterSeconds(block, Date.now());
    // Debug only: a blocked client's every retry would flood the log; the block itself was logged at warn.
    context.logger.debug(
      { client: block.client.kind, decisionId: block.decisionId, retryAfterSeconds },
      'operation refused: client blocked',
    );
    return new RateLimitedError(
      `This client is blocked for now; try again in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  };
  if (!options.enabled) {
    logger.info('rate limits: disabled (RATE_LIMITS_ENABLED=false)');
    return { ...UNLIMITED, charge: async (_schema, _document, _operation, context) => blocked(context) };
  }
  const store = await createLimiterStore({ redisUrl: config.REDIS_URL, namespace: config.MONGODB_DB_PREFIX, logger });
  const factors: RuleFactors = (rule) => overrides?.factor(RULE_SCOPES[rule]) ?? 1;
  const limiter = new OperationRateLimiter(rateLimitRules(options), store, logger, factors);
  const metrics = createRateLimitMetrics(registry, factors);
  const refusals = new RefusalLog(logger, refusalLog);
  return {
    async charge(schema, document, operation, context) {
      const block = blocked(context);
      if (block) {
        metrics.refused.inc({ rule: 'block' });
        return block;
      }
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
