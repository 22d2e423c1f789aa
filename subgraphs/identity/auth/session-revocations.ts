import type { ObjectId } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { SESSION_REVOKED, sessionRevokedSchema, type RevokedSessions, type SessionRevoked } from '../contract.js';
import type { RefreshTokenStore } from './refresh-token.store.js';

/** Refresh tokens (not families) read at most when listing; a mass revocation beyond it is logged. */
const LIST_LIMIT = 100_000;

/**
 * Tells the gateways that a session ended, so they refuse its access tokens (which carry the
 * session id as `sid`) for the rest of their lifetime, and lists recent ones for a gateway
 * that was not listening.
 */
export class SessionRevocations {
  constructor(
    private readonly bus: EventBus,
    private readonly store: RefreshTokenStore,
    private readonly accessTtlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /**
   * The family is already revoked in the database when this runs; a bus outage must not turn
   * a completed logout into an error, so a failed publish is logged (gateways that start
   * later still learn it from `recent`).
   */
  async announce(familyId: ObjectId, userId: string, reason: SessionRevoked['reason'], at: Date): Promise<void> {
    const event = sessionRevokedSchema.parse({
      sessionId: familyId.toHexString(),
      userId,
      reason,
      at,
      until: new Date(at.getTime() + this.accessTtlSeconds * 1000),
    });
    try {
      await this.bus.publish(SESSION_REVOKED, event);
    } catch (err) {
      this.logger.error(
        { err, userId, reason },
        'session revocation not published: running gateways accept its access tokens until they expire',
      );
    }
  }

  /** Sessions whose access tokens may still be unexpired: revoked within one access-token lifetime. */
  async recent(now = new Date()): Promise<RevokedSessions> {
    const ttlMs = this.accessTtlSeconds * 1000;
    const { families, truncated } = await this.store.familiesRevokedSince(new Date(now.getTime() - ttlMs), LIST_LIMIT);
    if (truncated) this.logger.warn({ limit: LIST_LIMIT }, 'revoked sessions list truncated');
    return {
      sessions: families.map((f) => ({
        sessionId: f.familyId.toHexString(),
        until: new Date(f.revokedAt.getTime() + ttlMs),
      })),
    };
  }
}
