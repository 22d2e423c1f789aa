import type { Viewer } from '../../platform/auth/viewer.js';
import type { ClientBlock, ClientKey, RateLimitOverrideListener } from '../../platform/ops/rate-limit-overrides.js';
import { callerKey, ipKey } from './keys.js';

/**
 * The block in force on an operation's client (platform/ops/rate-limit-overrides.ts): its IP,
 * or the user, API key or device calling. Admins are never blocked, so that no operator (the
 * agents' block_client among them) can lock the people who would end the block out.
 */
export function blockOn(
  overrides: Pick<RateLimitOverrideListener, 'blocked'> | undefined,
  viewer: Viewer | undefined,
  clientIp: string | undefined,
): ClientBlock | undefined {
  if (!overrides) return undefined;
  if (viewer?.kind === 'user' && viewer.roles.includes('ADMIN')) return undefined;
  const keys: ClientKey[] = [ipKey(clientIp)];
  const caller = callerKey(viewer, clientIp);
  if (caller.kind !== 'ip') keys.push(caller);
  return overrides.blocked(keys);
}

/** Whole seconds until the block ends, at least 1. */
export const blockRetryAfterSeconds = (block: ClientBlock, now: number): number =>
  Math.max(1, Math.ceil((block.until - now) / 1000));
