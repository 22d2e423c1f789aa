import { z } from 'zod';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { EventBus } from '../../platform/events/bus.js';
import { parseInput } from '../../platform/graphql/parse-input.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { RateLimitPolicy } from '../effects/rate-limit-policy.js';
import { LOOP_WAKE_TOPIC, wakeEventSchema } from '../contract.js';
import type { ClientErrorStore } from './client-error.store.js';
import type { WindowRateLimiter } from './rate-limiter.js';

const reportSchema = z.object({
  message: z.string().trim().min(1, 'message is required').max(2000, 'message is too long'),
  url: z
    .string()
    .trim()
    .max(2048, 'url is too long')
    .pipe(z.url({ protocol: /^https?$/, error: 'url must be an http(s) address' }))
    .optional()
    .nullable(),
  stack: z.string().max(10_000, 'stack is too long').optional().nullable(),
});

/** Who is reporting, for the limiter (an address only when nothing better is known). */
export function callerKey(viewer: Viewer | undefined, clientIp: string | undefined): string {
  switch (viewer?.kind) {
    case 'user':
      return `user:${viewer.userId}`;
    case 'apiKey':
      return `apiKey:${viewer.keyId}`;
    case 'device':
      return `device:${viewer.deviceId}`;
    default:
      return `ip:${clientIp ?? 'unknown'}`;
  }
}

const reporterOf = (caller: string) => (caller.startsWith('ip:') ? 'anonymous' : caller);

export class ClientErrorService {
  constructor(
    private readonly deps: {
      store: ClientErrorStore;
      limiter: WindowRateLimiter;
      policy: RateLimitPolicy;
      baseLimitPerMinute: number;
      bus: EventBus;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** Validates first, so a malformed report neither counts against the caller nor is stored. */
  async report(input: unknown, viewer: Viewer | undefined, clientIp: string | undefined): Promise<boolean> {
    const report = parseInput(reportSchema, input);
    const { store, limiter, policy, bus, clock } = this.deps;
    const now = clock.now();
    const caller = callerKey(viewer, clientIp);
    const limit = this.deps.baseLimitPerMinute * (await policy.factor('client_errors', new Date(now)));
    await limiter.consume(caller, limit, now);
    await store.insert({
      message: report.message,
      url: report.url ?? null,
      stack: report.stack ?? null,
      reporter: reporterOf(caller),
      at: new Date(now),
    });
    bus
      .publish(LOOP_WAKE_TOPIC, wakeEventSchema.parse({ reason: 'client_error' }))
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'agents: wake not published'));
    return true;
  }
}
