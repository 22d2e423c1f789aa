import type { z } from 'zod';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import {
  API_KEY_REVOKED,
  apiKeyRevokedSchema,
  identityClient,
  SESSION_REVOKED,
  sessionRevokedSchema,
} from '../../subgraphs/identity/contract.js';
import {
  DEVICE_REVOKED,
  deviceEventSchema,
  VEHICLE_REMOVED,
  vehicleEventSchema,
} from '../../subgraphs/vehicles/contract.js';
import type { GatewayRevocations, Revocation } from './revocations.js';

export interface RevocationFeed {
  /** Resolves once every topic is subscribed: revocations published from then on arrive. */
  ready: Promise<void>;
  stop(): void;
}

/**
 * Applies identity's and vehicles' revocation announcements to this gateway. The topics are
 * live (at-most-once): what a gateway misses while down it reloads at start-up (sessions), or
 * never needed (keys and devices are verified afresh once a cached verdict expires).
 */
export function listenForRevocations(bus: EventBus, revocations: GatewayRevocations, logger: Logger): RevocationFeed {
  const on = <S extends z.ZodTypeAny>(
    topic: string,
    schema: S,
    apply: (event: z.infer<S>) => { revocation: Revocation; until?: number },
  ) =>
    bus.subscribe<unknown>(topic, (raw) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        logger.warn({ topic, issues: parsed.error.issues.map((i) => i.message) }, 'revocation ignored: invalid');
        return;
      }
      const { revocation, until } = apply(parsed.data);
      logger.info({ revocation }, 'credential revoked');
      revocations.revoke(revocation, until);
    });

  const unsubscribes = [
    on(SESSION_REVOKED, sessionRevokedSchema, (e) => ({
      revocation: { kind: 'session', sessionId: e.sessionId },
      until: e.until.getTime(),
    })),
    on(API_KEY_REVOKED, apiKeyRevokedSchema, (e) => ({ revocation: { kind: 'apiKey', keyId: e.keyId } })),
    on(DEVICE_REVOKED, deviceEventSchema, (e) => ({ revocation: { kind: 'device', deviceId: e.deviceId } })),
    on(VEHICLE_REMOVED, vehicleEventSchema, (e) => ({ revocation: { kind: 'vehicle', vehicleId: e.vehicleId } })),
  ];
  return {
    ready: Promise.all(unsubscribes.map((u) => u.ready)).then(() => undefined),
    stop: () => unsubscribes.forEach((u) => u()),
  };
}

export interface RevokedSessionsLoader {
  /** Settles after the first attempt, whatever its outcome (start-up never waits on identity). */
  firstAttempt: Promise<void>;
  stop(): void;
}

/**
 * Loads the sessions identity revoked within the last access-token lifetime (logouts before
 * this gateway listened). Fails open: when identity cannot answer, the gateway starts anyway,
 * logs a warning and tries again, until the list could no longer hold a live token.
 */
export function loadRevokedSessions(options: {
  identityUrl: string | undefined;
  internalSecret: string;
  revocations: GatewayRevocations;
  accessTtlSeconds: number;
  logger: Logger;
  retryMs?: number;
  timeoutMs?: number;
}): RevokedSessionsLoader {
  const { identityUrl, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const giveUpAt = Date.now() + options.accessTtlSeconds * 1000;
  if (!identityUrl) return { firstAttempt: Promise.resolve(), stop: () => undefined };
  const identity = identityClient({ url: identityUrl, internalSecret: options.internalSecret });

  const attempt = async (): Promise<void> => {
    try {
      const { sessions } = await identity.revokedSessions(options.timeoutMs ?? 3000);
      for (const s of sessions)
        options.revocations.revoke({ kind: 'session', sessionId: s.sessionId }, s.until.getTime());
      logger.info({ sessions: sessions.length }, 'revoked sessions loaded');
    } catch (err) {
      const retry = !stopped && Date.now() < giveUpAt;
      logger.warn(
        { err, retry },
        'revoked sessions not loaded: access tokens of sessions ended before this gateway started are accepted until loaded or expired',
      );
      if (retry) timer = setTimeout(() => void attempt(), options.retryMs ?? 5000).unref();
    }
  };
  return {
    firstAttempt: attempt(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
