import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ClutchError, ErrorCode, RateLimitedError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { DEVICE_TOKEN_PREFIX, type Credentials } from '../auth/authenticate.js';
import { ipKey } from './keys.js';
import type { RefusalLog } from './refusal-log.js';
import type { LimiterStore } from './store.js';

/** What the gateway does with the credentials of a request, counting the ones that fail. */
export interface AuthFailureGuard {
  /**
   * Runs `check` (the authenticator) on `credentials` from `clientIp`. An UNAUTHENTICATED
   * answer counts one failure against the IP. Once the IP is over its limit, credentials that
   * cost a lookup (device tokens, API keys) are refused with RATE_LIMITED without running
   * `check`, and any that fail get RATE_LIMITED instead of UNAUTHENTICATED; an access token,
   * checked here without a lookup, still works, so a user behind a shared address keeps access.
   */
  guard<T>(credentials: Credentials, clientIp: string | undefined, check: () => Promise<T>): Promise<T>;
}

export const UNGUARDED: AuthFailureGuard = { guard: (_credentials, _ip, check) => check() };

export interface AuthFailureHooks {
  /** Every failed authentication, refused or not. */
  onFailure(): void;
  /** Every request refused with RATE_LIMITED by this guard. */
  onRefused(): void;
}

/** Whether verifying these credentials means asking a subgraph (the costly part an attacker aims at). */
export function needsLookup({ authorization, apiKey }: Credentials): boolean {
  if (authorization) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    return token?.startsWith(DEVICE_TOKEN_PREFIX) ?? false;
  }
  return Boolean(apiKey);
}

const isUnauthenticated = (error: unknown) => error instanceof ClutchError && error.code === ErrorCode.UNAUTHENTICATED;

const refusal = (msBeforeNext: number) => {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new RateLimitedError(`Too many requests (failed authentications); try again in ${retryAfter} s`, retryAfter);
};

/**
 * Failed authentications per client IP (per /64 for IPv6), `limit` a window, counted in the
 * rate limits' store (Redis-shared when configured). Only failures are counted, so a busy
 * client with valid credentials never spends this allowance.
 */
export function authFailureGuard(options: {
  store: LimiterStore;
  limit: number;
  windowSeconds?: number;
  logger: Logger;
  refusals: RefusalLog;
  hooks: AuthFailureHooks;
}): AuthFailureGuard {
  const { limit, logger, refusals, hooks } = options;
  const failures: RateLimiterAbstract = options.store.limiter('auth-failures', limit, options.windowSeconds ?? 60);

  /** The wait before this IP may try again, or undefined while it is within its limit. */
  const overLimit = async (key: string): Promise<number | undefined> => {
    try {
      const counted = await failures.get(key);
      return counted && counted.consumedPoints >= limit ? counted.msBeforeNext : undefined;
    } catch (err) {
      // Unreachable store and insurance: let the credentials be checked rather than refuse everyone.
      logger.warn({ err }, 'failed authentications could not be read; not limited');
      return undefined;
    }
  };
  const countFailure = async (key: string): Promise<void> => {
    hooks.onFailure();
    try {
      await failures.consume(key, 1);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) logger.warn({ err: outcome }, 'failed authentication not counted');
    }
  };
  const refuse = (key: string, clientIp: string | undefined, msBeforeNext: number) => {
    hooks.onRefused();
    refusals.refused(logger, key, { rule: 'auth-failures', clientIp }, 'credentials refused: too many failures');
    return refusal(msBeforeNext);
  };

  return {
    async guard(credentials, clientIp, check) {
      if (!credentials.authorization && !credentials.apiKey) return check();
      const key = `${ipKey(clientIp).kind}:${ipKey(clientIp).id}`;
      const wait = await overLimit(key);
      if (wait !== undefined && needsLookup(credentials)) throw refuse(key, clientIp, wait);
      try {
        return await check();
      } catch (error) {
        if (!isUnauthenticated(error)) throw error;
        await countFailure(key);
        if (wait !== undefined) throw refuse(key, clientIp, wait);
        throw error;
      }
    },
  };
}
