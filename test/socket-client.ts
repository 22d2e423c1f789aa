import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { computeCheckDigit } from '../subgraphs/vehicles/vin/vin.js';

/** A valid VIN with serial number `n`, unique per `n`. */
export const vinFor = (n: number) => {
  const draft = `1HGCM8260${'3A'}${String(n).padStart(6, '0')}`;
  return draft.slice(0, 8) + computeCheckDigit(draft) + draft.slice(9);
};

export interface ObservedSocket {
  client: Client;
  /** Resolves with the close code (and when it arrived) whenever the socket closes. */
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Whether the socket is still open, for assertions at a moment. */
  readonly open: boolean;
  /** Pongs received from the server (keep-alive and refresh pings alike). */
  readonly pongs: number;
  /** Sends a graphql-ws ping carrying `payload` (new credentials) and waits for its pong. */
  /** Resolves with the pong's payload once the server has acted on the ping. */
  ping(payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** One query or mutation over the socket; resolves with its result, rejects if the socket closes. */
  run(query: string, variables?: Record<string, unknown>): Promise<any>;
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client that connects at once, sends keep-alive pings every `keepAliveMs`, and
 * exposes what the credential tests watch: the close code, pongs, and raw pings with payloads.
 */
export async function observedSocket(
  url: string,
  connectionParams: Record<string, unknown>,
  keepAliveMs = 0,
): Promise<ObservedSocket> {
  let raw: WebSocket | undefined;
  let open = false;
  let pongs = 0;
  const pongWaiters = new Map<string, (payload: Record<string, unknown>) => void>();
  let resolveClosed!: (value: { code: number; reason: string; at: number }) => void;
  const closed = new Promise<{ code: number; reason: string; at: number }>((r) => (resolveClosed = r));
  let resolveConnected!: () => void;
  let rejectConnected!: (e: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    resolveConnected = resolve;
    rejectConnected = reject;
  });
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    keepAlive: keepAliveMs,
    onNonLazyError: (e) => rejectConnected(e),
    on: {
      connected: (socket) => {
        raw = socket as WebSocket;
        open = true;
        resolveConnected();
      },
      pong: (received, payload) => {
        if (!received) return;
        pongs++;
        // The server echoes a ping's payload in its pong, once it has acted on the ping.
        const ref = (payload as { ref?: string } | undefined)?.ref;
        if (ref) pongWaiters.get(ref)?.(payload as Record<string, unknown>);
      },
      closed: (event) => {
        open = false;
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason: String(reason), at: Date.now() });
        rejectConnected(event);
      },
    },
  });
  await connected;
  return {
    client,
    closed,
    get open() {
      return open;
    },
    get pongs() {
      return pongs;
    },
    ping: (payload) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const ref = randomUUID();
        pongWaiters.set(ref, resolve);
        raw!.send(JSON.stringify({ type: 'ping', payload: { ...payload, ref } }));
      }),
    run: (query, variables = {}) =>
      new Promise((resolve, reject) => {
        let result: unknown;
        client.subscribe(
          { query, variables },
          { next: (r) => void (result = r), error: reject, complete: () => resolve(result) },
        );
      }),
    dispose: () => Promise.resolve(client.dispose()),
  };
}
