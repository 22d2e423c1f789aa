import type { IncomingMessage } from 'node:http';
import type { GraphQLError, OperationTypeNode } from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { Config } from '../../platform/config/environment.js';
import { TooManySubscriptionsError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { callerKey, ipKey } from '../rate-limits/keys.js';
import { SocketCounts, SubscriptionSlots } from './socket-caps.js';

/**
 * Close code for a socket over a per-principal or per-IP cap. graphql-ws uses 4429 for "too
 * many initialisation requests" and its client treats the code as fatal, so a capped client
 * does not reconnect in a loop; the reason text tells the two apart.
 */
export const TOO_MANY_SOCKETS = { code: 4429, reason: 'Too many sockets' } as const;

export type RefusalReason =
  'subscriptions_per_socket' | 'sockets_per_principal' | 'anonymous_sockets_per_ip' | 'server_message';

export interface SocketCapsConfig {
  maxSubscriptionsPerSocket: number;
  maxSocketsPerPrincipal: number;
  maxAnonymousSocketsPerIp: number;
}

export const socketCapsFromConfig = (config: Config): SocketCapsConfig => ({
  maxSubscriptionsPerSocket: config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
  maxSocketsPerPrincipal: config.WS_MAX_SOCKETS_PER_PRINCIPAL,
  maxAnonymousSocketsPerIp: config.WS_MAX_ANONYMOUS_SOCKETS_PER_IP,
});

interface SocketState {
  slots: SubscriptionSlots;
  closed: boolean;
  /** Held until the socket authenticates or closes. */
  releaseAnonymous?: () => void;
  /** Held from authentication until the socket closes. */
  releasePrincipal?: () => void;
}

/** Message types a graphql-ws server sends and a client never may. */
const SERVER_ONLY_TYPES = new Set(['connection_ack', 'next', 'error']);

const principalKey = (viewer: Viewer) => {
  const key = callerKey(viewer, undefined);
  return `${key.kind}:${key.id}`;
};

/**
 * The WebSocket caps of one gateway instance: live subscriptions per socket, sockets per
 * authenticated principal (user, API key or device), and sockets per IP that have not
 * authenticated yet. Each refusal is counted in `gateway_websocket_refusals_total{reason}`.
 */
export function createSocketLimits(caps: SocketCapsConfig, registry: Registry, logger: Logger) {
  const refusals = new Counter({
    name: 'gateway_websocket_refusals_total',
    help: 'WebSocket sockets closed or subscriptions refused at a cap, and sockets closed for sending server-only messages',
    labelNames: ['reason'],
    registers: [registry],
  });
  const reasons: RefusalReason[] = [
    'subscriptions_per_socket',
    'sockets_per_principal',
    'anonymous_sockets_per_ip',
    'server_message',
  ];
  for (const reason of reasons) refusals.inc({ reason }, 0);
  const byPrincipal = new SocketCounts(caps.maxSocketsPerPrincipal);
  const anonymousByIp = new SocketCounts(caps.maxAnonymousSocketsPerIp);
  new Gauge({
    name: 'gateway_websocket_sockets',
    help: 'Open client sockets at this gateway instance: authenticated, or not yet (pending)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'authenticated' }, byPrincipal.total);
      this.set({ state: 'pending' }, anonymousByIp.total);
    },
  });
  const sockets = new WeakMap<WebSocket, SocketState>();

  const refuse = (reason: RefusalReason, details: Record<string, unknown>) => {
    refusals.inc({ reason });
    logger.warn({ reason, ...details }, 'websocket refused at a cap');
  };

  return {
    /**
     * Called on every new socket, before graphql-ws sees it: counts it against its IP until
     * it authenticates, or closes it with 4429 when the IP holds too many already.
     */
    opened(socket: WebSocket, request: IncomingMessage): void {
      const state: SocketState = { slots: new SubscriptionSlots(caps.maxSubscriptionsPerSocket), closed: false };
      sockets.set(socket, state);
      socket.once('close', () => {
        state.closed = true;
        state.releaseAnonymous?.();
        state.releasePrincipal?.();
      });
      const ip = ipKey(request.socket.remoteAddress);
      state.releaseAnonymous = anonymousByIp.tryOpen(ip.id);
      if (state.releaseAnonymous) return;
      refuse('anonymous_sockets_per_ip', { ip: ip.id });
      socket.close(TOO_MANY_SOCKETS.code, TOO_MANY_SOCKETS.reason);
    },

    /**
     * After `connection_init` authenticated `viewer`: moves the socket from its IP's count to
     * the principal's. False (and the socket closed with 4429) when the principal holds too many.
     */
    authenticated(socket: WebSocket, viewer: Viewer): boolean {
      const state = sockets.get(socket);
      // Closed while authenticating: its close has been counted already, so take nothing.
      if (!state || state.closed || socket.readyState !== socket.OPEN) return false;
      if (!state.releasePrincipal) {
        const key = principalKey(viewer);
        const release = byPrincipal.tryOpen(key);
        if (!release) {
          refuse('sockets_per_principal', { principal: key });
          socket.close(TOO_MANY_SOCKETS.code, TOO_MANY_SOCKETS.reason);
          return false;
        }
        state.releasePrincipal = release;
      }
      state.releaseAnonymous?.();
      state.releaseAnonymous = undefined;
      return true;
    },

    /**
     * For `onSubscribe`, last, once nothing else refuses the operation: a subscription takes a
     * place on its socket, or is refused with TOO_MANY_SUBSCRIPTIONS. `running` is graphql-ws's
     * table of the socket's operations (`ctx.subscriptions`), which says what still runs.
     */
    claim(
      socket: WebSocket,
      id: string,
      operation: OperationTypeNode,
      running: Readonly<Record<string, unknown>>,
    ): GraphQLError[] | undefined {
      const state = sockets.get(socket);
      if (!state) return undefined;
      if (operation !== 'subscription') {
        state.slots.forget(id);
        return undefined;
      }
      if (state.slots.claim(id, (held) => held in running)) return undefined;
      refuse('subscriptions_per_socket', { limit: caps.maxSubscriptionsPerSocket });
      return [new TooManySubscriptionsError(caps.maxSubscriptionsPerSocket)];
    },

    /**
     * graphql-ws's `jsonMessageReviver`. graphql-ws parses `next`, `error` and `connection_ack`
     * from a client as valid messages, then throws on them, which closes the socket with 4500 as
     * if the server had failed. Failing the parse instead makes graphql-ws close with 4400
     * (bad request): the client is at fault. Only the message itself is checked (its holder is
     * JSON.parse's root `{ "": message }`), not objects nested in a payload.
     */
    jsonMessageReviver(this: unknown, key: string, value: unknown): unknown {
      if (
        key === '' &&
        typeof value === 'object' &&
        value !== null &&
        SERVER_ONLY_TYPES.has((value as { type?: unknown }).type as string) &&
        isRootHolder(this, value)
      ) {
        refuse('server_message', { type: (value as { type: string }).type });
        throw new Error('A client may not send server messages');
      }
      return value;
    },
  };
}

export type SocketLimits = ReturnType<typeof createSocketLimits>;

/**
 * JSON.parse calls the reviver last with `{ "": root }` as the holder. A nested object whose
 * only key is "" looks the same; it can only be told apart when it carries more keys.
 */
function isRootHolder(holder: unknown, value: unknown): boolean {
  if (typeof holder !== 'object' || holder === null) return false;
  const keys = Object.keys(holder);
  return keys.length === 1 && keys[0] === '' && (holder as Record<string, unknown>)[''] === value;
}
