import { CloseCode } from 'graphql-ws';
import { Counter, type Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import type { Viewer } from '../../platform/auth/viewer.js';
import { ClutchError, UnauthenticatedError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Authentication, Authenticator, Credentials } from './authenticate.js';
import { ExpiryTimer } from './expiry-timer.js';
import { revokes, type GatewayRevocations } from './revocations.js';

/** Why a socket was closed with 4403. */
type EndReason = 'expired' | 'revoked' | 'refused' | 'refresh_refused';

const CLOSE_REASON: Record<EndReason, string> = {
  expired: 'Credentials expired',
  revoked: 'Credentials revoked',
  refused: 'Credentials no longer valid',
  refresh_refused: 'Refreshed credentials refused',
};

/** A peer that does not answer our close frame is cut off after this long. */
const CLOSE_GRACE_MS = 1000;

interface SocketState {
  socket: WebSocket;
  credentials: Credentials;
  auth: Authentication;
  timer: ExpiryTimer;
  ended: boolean;
}

const hasCredentials = (c: Credentials) => Boolean(c.authorization || c.apiKey);

/** The same user, key or device: a refresh may renew credentials, never swap whose they are. */
export function samePrincipal(a: Viewer, b: Viewer): boolean {
  if (a.kind === 'user' && b.kind === 'user') return a.userId === b.userId;
  if (a.kind === 'apiKey' && b.kind === 'apiKey') return a.keyId === b.keyId;
  if (a.kind === 'device' && b.kind === 'device') return a.deviceId === b.deviceId;
  return false;
}

/** Payload keys that can carry credentials in a ping (compared lower-cased). */
const CREDENTIAL_KEYS = new Set(['authorization', 'x-api-key', 'apikey', 'headers']);

/**
 * graphql-ws's `jsonMessageReplacer`: graphql-ws echoes a ping's payload in its pong, so a
 * refresh ping would send the new token straight back over the wire (and into any proxy or
 * client log). The pong keeps the rest of the payload, so clients can still correlate.
 */
export function withoutEchoedCredentials(this: unknown, key: string, value: unknown): unknown {
  if (key !== '' || typeof value !== 'object' || value === null) return value;
  const message = value as { type?: unknown; payload?: unknown };
  if (message.type !== 'pong' || typeof message.payload !== 'object' || message.payload === null) return value;
  const payload = Object.fromEntries(
    Object.entries(message.payload).filter(([k]) => !CREDENTIAL_KEYS.has(k.toLowerCase())),
  );
  return { ...message, payload };
}

/**
 * Keeps each graphql-ws socket's credentials valid for as long as the socket lives, instead of
 * only at `connection_init`:
 *
 * - every operation re-verifies them (expiry, revoked session; keys and device tokens through
 *   the cached verifier, whose verdicts revocations drop);
 * - a timer closes the socket when they expire, and a revocation closes every socket it
 *   covers at once; both with 4403, which ends the socket's subscriptions;
 * - a client renews them without reconnecting by sending a graphql-ws `ping` whose payload
 *   carries new credentials (`{ "authorization": "Bearer <token>" }`), for the same principal.
 *
 * Keep-alive pings carry no credentials and change nothing.
 */
export class SocketAuth {
  private readonly sockets = new Map<object, SocketState>();
  private readonly closedTotal?: Counter<'reason'>;
  private readonly stopFollowing?: () => void;

  constructor(
    private readonly authenticator: Authenticator,
    revocations: GatewayRevocations | undefined,
    private readonly logger: Logger,
    registry?: Registry,
  ) {
    this.closedTotal = registry
      ? new Counter({
          name: 'gateway_websocket_auth_closed_total',
          help: 'Sockets closed with 4403 because their credentials expired, were revoked or a refresh was refused',
          labelNames: ['reason'],
          registers: [registry],
        })
      : undefined;
    this.stopFollowing = revocations?.onRevoke((revocation) => {
      for (const state of this.sockets.values()) {
        if (revokes(revocation, state.auth.viewer, state.auth.sessionId)) this.end(state, 'revoked');
      }
    });
  }

  /**
   * At `connection_init`: verifies the credentials and starts watching them. Undefined for a
   * socket without credentials; throws for credentials that do not verify.
   */
  async open(key: object, socket: WebSocket, credentials: Credentials): Promise<Viewer | undefined> {
    const auth = await this.authenticator.verify(credentials);
    // The socket may have gone while we verified; its onClose has already run.
    if (!auth || socket.readyState !== socket.OPEN) return auth?.viewer;
    const state: SocketState = {
      socket,
      credentials,
      auth,
      timer: new ExpiryTimer(() => this.end(state, 'expired')),
      ended: false,
    };
    state.timer.schedule(auth.expiresAt);
    this.sockets.set(key, state);
    return auth.viewer;
  }

  /**
   * Before each operation on the socket: the viewer its credentials stand for now. Credentials
   * no longer valid close the socket (4403) and throw UNAUTHENTICATED.
   */
  async authorise(key: object): Promise<Viewer> {
    const state = this.sockets.get(key);
    if (!state || state.ended) throw new UnauthenticatedError('This connection is no longer authenticated');
    let auth: Authentication | undefined;
    try {
      auth = await this.authenticator.verify(state.credentials);
    } catch (error) {
      if (error instanceof ClutchError && error.code === 'UNAUTHENTICATED') this.end(state, 'refused');
      throw error;
    }
    if (!auth || state.ended) throw new UnauthenticatedError('This connection is no longer authenticated');
    return auth.viewer;
  }

  /** On a client `ping`: renews the socket's credentials when the ping carries some. */
  async refresh(key: object, credentials: Credentials): Promise<void> {
    const state = this.sockets.get(key);
    if (!state || state.ended || !hasCredentials(credentials)) return;
    let auth: Authentication | undefined;
    try {
      auth = await this.authenticator.verify(credentials);
    } catch (error) {
      if (error instanceof ClutchError && error.code !== 'UNAUTHENTICATED') {
        // The owner could not be asked (503): keep what the socket had, the client may retry.
        this.logger.warn({ err: error }, 'socket credentials not refreshed');
        return;
      }
      return this.end(state, 'refresh_refused');
    }
    if (state.ended) return;
    if (!auth || !samePrincipal(state.auth.viewer, auth.viewer)) return this.end(state, 'refresh_refused');
    state.credentials = credentials;
    state.auth = auth;
    state.timer.schedule(auth.expiresAt);
  }

  /** From graphql-ws `onClose`, whatever closed the socket. */
  closed(key: object): void {
    const state = this.sockets.get(key);
    if (!state) return;
    state.timer.cancel();
    this.sockets.delete(key);
  }

  get size(): number {
    return this.sockets.size;
  }

  stop(): void {
    this.stopFollowing?.();
    for (const state of this.sockets.values()) state.timer.cancel();
  }

  private end(state: SocketState, reason: EndReason): void {
    if (state.ended) return;
    state.ended = true;
    state.timer.cancel();
    this.closedTotal?.inc({ reason });
    this.logger.info({ reason, viewer: state.auth.viewer.kind }, 'socket closed: credentials no longer valid');
    const { socket } = state;
    socket.close(CloseCode.Forbidden, CLOSE_REASON[reason]);
    setTimeout(() => {
      if (socket.readyState !== socket.CLOSED) socket.terminate();
    }, CLOSE_GRACE_MS).unref();
  }
}
