import type { Viewer } from '../../platform/auth/viewer.js';
import { RevocationList } from './revocation-list.js';

/** A credential, or everything that hangs on one, that stopped being valid. */
export type Revocation =
  | { kind: 'session'; sessionId: string }
  | { kind: 'apiKey'; keyId: string }
  | { kind: 'device'; deviceId: string }
  | { kind: 'vehicle'; vehicleId: string };

export type RevocationListener = (revocation: Revocation) => void;

/**
 * What this gateway knows was revoked, from identity's and vehicles' announcements.
 *
 * - Sessions (the `sid` of access tokens) are refused until their last access token expires.
 * - API keys, devices and removed vehicles are revoked for good by their owner, and the cached
 *   verdicts are dropped on the announcement; remembering them here a little longer than a
 *   verdict lives also refuses an answer that was in flight when the announcement came.
 *
 * Listeners (the verifier caches, the open sockets) hear each revocation as it is applied.
 */
export class GatewayRevocations {
  private readonly sessions: RevocationList;
  private readonly credentials: RevocationList;
  private readonly listeners = new Set<RevocationListener>();

  constructor(
    /** How long a revoked key, device or vehicle is remembered: longer than a cached verdict lives. */
    private readonly credentialMemoryMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new RevocationList(now);
    this.credentials = new RevocationList(now);
  }

  /** `until` (epoch ms) applies to sessions: when their last access token expires. */
  revoke(revocation: Revocation, until?: number): void {
    if (revocation.kind === 'session') {
      this.sessions.add(revocation.sessionId, until ?? this.now() + this.credentialMemoryMs);
    } else {
      this.credentials.add(credentialKey(revocation), this.now() + this.credentialMemoryMs);
    }
    for (const listener of this.listeners) listener(revocation);
  }

  sessionRevoked(sessionId: string | undefined): boolean {
    return sessionId !== undefined && this.sessions.has(sessionId);
  }

  /** Whether a key or device viewer (from a verdict, cached or fresh) has been revoked since. */
  viewerRevoked(viewer: Viewer): boolean {
    switch (viewer.kind) {
      case 'apiKey':
        return this.credentials.has(credentialKey({ kind: 'apiKey', keyId: viewer.keyId }));
      case 'device':
        return (
          this.credentials.has(credentialKey({ kind: 'device', deviceId: viewer.deviceId })) ||
          this.credentials.has(credentialKey({ kind: 'vehicle', vehicleId: viewer.vehicleId }))
        );
      default:
        return false;
    }
  }

  /** Returns the function that stops listening. */
  onRevoke(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** Whether `viewer` (with its JWT session, if any) falls under `revocation`. */
export function revokes(revocation: Revocation, viewer: Viewer, sessionId?: string): boolean {
  switch (revocation.kind) {
    case 'session':
      return viewer.kind === 'user' && sessionId === revocation.sessionId;
    case 'apiKey':
      return viewer.kind === 'apiKey' && viewer.keyId === revocation.keyId;
    case 'device':
      return viewer.kind === 'device' && viewer.deviceId === revocation.deviceId;
    case 'vehicle':
      return viewer.kind === 'device' && viewer.vehicleId === revocation.vehicleId;
  }
}

const credentialKey = (revocation: Exclude<Revocation, { kind: 'session' }>) => {
  switch (revocation.kind) {
    case 'apiKey':
      return `key:${revocation.keyId}`;
    case 'device':
      return `device:${revocation.deviceId}`;
    case 'vehicle':
      return `vehicle:${revocation.vehicleId}`;
  }
};
