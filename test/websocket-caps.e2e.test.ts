import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestSystem, type TestSystem } from './harness.js';
import {
  collect,
  ingest,
  ingestUntilDelivered,
  liveClient,
  registerDriver,
  vehicleWithDevice,
  VEHICLE_TELEMETRY,
  type Driver,
} from './live.js';
import { waitFor } from './wait-for.js';

// Low caps so the tests reach them: 2 live subscriptions per socket, 2 sockets per signed-in
// principal, 3 sockets per IP that have not authenticated yet.
const CAPS = {
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
  WS_MAX_SOCKETS_PER_PRINCIPAL: '2',
  WS_MAX_ANONYMOUS_SOCKETS_PER_IP: '3',
};
const FRAMES = ['41 0C 1A F8'];

let t: TestSystem;
const clients: Client[] = [];
const sockets: WebSocket[] = [];
const client = (token: string) => {
  const c = liveClient(t.url, token);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  t = await startTestSystem(CAPS);
});
// Each test starts with no socket open at the gateway, so none counts against the next one's caps.
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await waitFor(async () => (await openSockets()) === 0, 'the gateway to see every socket closed');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
});

interface RawSocket {
  ws: WebSocket;
  /** Resolves with the close code once the server (or we) closed the socket. */
  closed: Promise<number>;
  /** Server messages by type, in order of arrival. */
  received: string[];
}

/** A graphql-ws socket driven by hand, to see exactly what the server does with each message. */
async function openSocket(): Promise<RawSocket> {
  const ws = new WebSocket(t.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  sockets.push(ws);
  const received: string[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)).type));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed, received };
}

/** Sends connection_init; resolves 'ack', or the close code when the server refused the socket. */
async function init(socket: RawSocket, token: string): Promise<'ack' | number> {
  socket.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  return Promise.race([
    socket.closed,
    new Promise<'ack'>((resolve) =>
      socket.ws.on('message', (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve('ack')),
    ),
  ]);
}

async function authenticatedSocket(token: string): Promise<RawSocket> {
  const socket = await openSocket();
  expect(await init(socket, token)).toBe('ack');
  return socket;
}

const closeSocket = async (socket: RawSocket) => {
  socket.ws.close(1000);
  await socket.closed;
};

async function openSockets(): Promise<number> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  return [...text.matchAll(/^gateway_websocket_sockets\{[^}]*\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

async function refusals(): Promise<Record<string, number>> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(/^gateway_websocket_refusals_total\{([^}]*)\} (\S+)$/gm)) {
    counts[/reason="([^"]+)"/.exec(labels!)![1]!] = Number(value);
  }
  return counts;
}

const codes = (sub: { error: unknown }) => ((sub.error as any[]) ?? []).map((e) => e.extensions?.code);

describe('live subscriptions per socket (WS_MAX_SUBSCRIPTIONS_PER_SOCKET=2)', () => {
  let owner: Driver;
  let vehicleId: string;
  let deviceToken: string;
  beforeAll(async () => {
    owner = await registerDriver(t, 'caps-owner@example.com');
    ({ vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82633A004352'));
  });

  it('refuses the 3rd with TOO_MANY_SUBSCRIPTIONS, starts nothing for it, and the first 2 keep receiving events', async () => {
    const before = await refusals();
    const socket = client(owner.token);
    const first = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    const second = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    await ingestUntilDelivered(t, vehicleId, FRAMES, deviceToken, () => first.results.length > 0);
    await waitFor(() => second.results.length > 0, 'the second subscription to receive an event');
    const subscribersBefore = t.system.gateway.subscriptions.stats.subscribers;

    const third = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    await waitFor(() => third.completed, 'the refusal');
    expect(codes(third)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    expect((third.error as any[])[0].extensions.limit).toBe(2);
    expect(third.results).toEqual([]);
    // Refused before anything started: no subscriber was added at the gateway.
    expect(t.system.gateway.subscriptions.stats.subscribers).toBe(subscribersBefore);

    const [n1, n2] = [first.results.length, second.results.length];
    expect((await ingest(t, vehicleId, ['41 0D 50'], deviceToken)).errors).toBeUndefined();
    await waitFor(() => first.results.length > n1 && second.results.length > n2, 'events after the refusal');
    expect(first.completed || second.completed).toBe(false);
    expect(third.results).toEqual([]);

    const after = await refusals();
    expect(after.subscriptions_per_socket).toBe((before.subscriptions_per_socket ?? 0) + 1);
    first.stop();
    second.stop();
  });

  it('admits exactly 2 of 6 subscriptions sent at once', async () => {
    const socket = client(owner.token);
    const subs = Array.from({ length: 6 }, () => collect(socket, VEHICLE_TELEMETRY, { id: vehicleId }));
    await waitFor(() => subs.filter((s) => s.completed).length === 4, 'four refusals');
    expect(subs.filter((s) => s.completed).map(codes)).toEqual(Array(4).fill(['TOO_MANY_SUBSCRIPTIONS']));
    const live = subs.filter((s) => !s.completed);
    await ingestUntilDelivered(t, vehicleId, FRAMES, deviceToken, () => live.every((s) => s.results.length > 0));
    for (const s of live) s.stop();
  });

  it('frees the slot of a subscription the client completes', async () => {
    const socket = client(owner.token);
    const first = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    const second = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    await ingestUntilDelivered(t, vehicleId, FRAMES, deviceToken, () => first.results.length > 0);
    await waitFor(() => second.results.length > 0, 'the second subscription to receive an event');

    first.stop();
    const replacement = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
    await ingestUntilDelivered(t, vehicleId, FRAMES, deviceToken, () => replacement.results.length > 0);
    expect(replacement.error).toBeUndefined();
    expect(replacement.results[0].data.vehicleTelemetry.vehicle.vin).toBe('1HGCM82633A004352');
    second.stop();
    replacement.stop();
  });

  it('frees the slot of a subscription that ended with an error', async () => {
    const stranger = await registerDriver(t, 'caps-stranger@example.com');
    const socket = client(stranger.token);
    // Three refusals by the vehicle check in a row: each ran, errored and gave its slot back.
    for (let i = 0; i < 3; i++) {
      const denied = collect(socket, VEHICLE_TELEMETRY, { id: vehicleId });
      await waitFor(() => denied.completed, 'the refusal');
      expect(denied.error).toBeUndefined();
      expect(denied.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
    const own = await vehicleWithDevice(t, stranger, 'WVWZZZ1JZXW000001');
    const live = [collect(socket, VEHICLE_TELEMETRY, { id: own.vehicleId })];
    live.push(collect(socket, VEHICLE_TELEMETRY, { id: own.vehicleId }));
    await ingestUntilDelivered(t, own.vehicleId, FRAMES, own.deviceToken, () =>
      live.every((s) => s.results.length > 0),
    );
    expect(live.map((s) => s.error)).toEqual([undefined, undefined]);
    for (const s of live) s.stop();
  });
});

describe('sockets per principal (WS_MAX_SOCKETS_PER_PRINCIPAL=2)', () => {
  it("closes a user's 3rd socket with 4429 at connection_init, not another user's, and a closed socket frees its place", async () => {
    const before = await refusals();
    const dana = await registerDriver(t, 'caps-dana@example.com');
    const erin = await registerDriver(t, 'caps-erin@example.com');
    const one = await authenticatedSocket(dana.token);
    const two = await authenticatedSocket(dana.token);

    const third = await openSocket();
    expect(await init(third, dana.token)).toBe(4429);
    expect(third.received).not.toContain('connection_ack');
    expect(one.ws.readyState).toBe(WebSocket.OPEN);
    expect(two.ws.readyState).toBe(WebSocket.OPEN);
    await authenticatedSocket(erin.token);

    await closeSocket(one);
    // The server counts the close when it sees it; the next socket may race it by a tick.
    await waitFor(async () => (await init(await openSocket(), dana.token)) === 'ack', 'a freed place', 5_000);
    const after = await refusals();
    expect(after.sockets_per_principal).toBeGreaterThanOrEqual((before.sockets_per_principal ?? 0) + 1);
  });

  it('admits exactly 2 of 3 sockets of one user authenticating at once', async () => {
    const fay = await registerDriver(t, 'caps-fay@example.com');
    const opened = await Promise.all([openSocket(), openSocket(), openSocket()]);
    const outcomes = await Promise.all(opened.map((s) => init(s, fay.token)));
    expect(outcomes.sort()).toEqual([4429, 'ack', 'ack']);
  });
});

describe('sockets per IP before authentication (WS_MAX_ANONYMOUS_SOCKETS_PER_IP=3)', () => {
  it('closes the 4th unauthenticated socket from one IP with 4429; authenticating or closing frees a place', async () => {
    const before = await refusals();
    const owner = await registerDriver(t, 'caps-anon@example.com');
    const pending = [await openSocket(), await openSocket(), await openSocket()];

    const fourth = await openSocket();
    expect(await fourth.closed).toBe(4429);
    for (const s of pending) expect(s.ws.readyState).toBe(WebSocket.OPEN);
    expect((await refusals()).anonymous_sockets_per_ip).toBe((before.anonymous_sockets_per_ip ?? 0) + 1);

    // An authenticated socket counts for its user, no longer for its IP.
    expect(await init(pending[0]!, owner.token)).toBe('ack');
    const fifth = await openSocket();
    expect(await init(fifth, owner.token)).toBe('ack');

    // So does a socket that went away before authenticating.
    await closeSocket(pending[1]!);
    await waitFor(
      async () => {
        const next = await openSocket();
        const outcome = await Promise.race([next.closed, new Promise((r) => setTimeout(() => r('open'), 200))]);
        next.ws.terminate();
        return outcome === 'open';
      },
      'a freed place',
      5_000,
    );
    await closeSocket(pending[2]!);
  });
});

describe('messages only a server may send', () => {
  const owner = () => registerDriver(t, `caps-next-${Math.random().toString(36).slice(2)}@example.com`);

  it.each([
    ['next', { id: '1', type: 'next', payload: { data: { vehicleTelemetry: null } } }],
    ['error', { id: '1', type: 'error', payload: [{ message: 'boom' }] }],
    ['connection_ack', { type: 'connection_ack' }],
  ])('closes the socket with 4400 (bad request), not 4500, when a client sends `%s`', async (_type, message) => {
    const before = await refusals();
    const socket = await authenticatedSocket((await owner()).token);
    socket.ws.send(JSON.stringify(message));
    expect(await socket.closed).toBe(4400);
    expect((await refusals()).server_message).toBe((before.server_message ?? 0) + 1);
  });

  it('closes with 4400 a `next` sent before connection_init too', async () => {
    const socket = await openSocket();
    socket.ws.send(JSON.stringify({ id: '1', type: 'next', payload: { data: null } }));
    expect(await socket.closed).toBe(4400);
  });

  it('still runs a subscription whose variables hold a message-shaped object', async () => {
    const driver = await owner();
    const socket = await authenticatedSocket(driver.token);
    socket.ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query: VEHICLE_TELEMETRY,
          variables: { id: '000000000000000000000000', extra: { type: 'next', id: '2', payload: {} } },
        },
      }),
    );
    // Answered by the vehicle check (an event with its error, then complete), not by closing the socket.
    await waitFor(() => socket.received.includes('complete') || socket.ws.readyState !== WebSocket.OPEN, 'an answer');
    expect(socket.received).toEqual(['connection_ack', 'next', 'complete']);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });
});
