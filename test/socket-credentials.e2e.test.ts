import jwt from 'jsonwebtoken';
import { errorCodes, postJson } from './client.js';
import {
  CreateApiKeyDocument,
  LiveAddVehicleDocument,
  LoginDocument,
  RefreshTokenDocument,
  RegisterDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { collect, VEHICLE_TELEMETRY } from './live.js';
import { observedSocket, vinFor, type ObservedSocket } from './socket-client.js';
import { waitFor } from './wait-for.js';

/**
 * Issue #9, defect 1: a socket's credentials are checked for as long as it lives, not only at
 * connection_init. Access tokens here live 5 s (JWT expiry has one-second resolution).
 */
let t: TestSystem;
const sockets: ObservedSocket[] = [];
const open = async (params: Record<string, unknown>, keepAliveMs = 0) => {
  const socket = await observedSocket(t.url, params, keepAliveMs);
  sockets.push(socket);
  return socket;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const expiryOf = (token: string) => (jwt.decode(token) as { exp: number }).exp * 1000;
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const ME = '{ me { id } }';

beforeAll(async () => {
  t = await startTestSystem({ ACCESS_TOKEN_TTL_SECONDS: '5' });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await t.stop();
});

async function register(email: string) {
  const { data, errors } = await t.request(RegisterDocument, {
    input: { email, password: 'a-long-password', name: email },
  });
  if (errors) throw new Error(JSON.stringify(errors));
  return data!.register;
}

async function addVehicle(token: string, n: number) {
  const added = await t.request(LiveAddVehicleDocument, { input: { vin: vinFor(n), make: 'Honda' } }, { token });
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return added.data!.addVehicle.id;
}

describe('credentials on a WebSocket', () => {
  it('close the socket with 4403 when the access token expires, ending its subscription, though pings go on', async () => {
    const session = await register('ws-expiry@example.com');
    const vehicleId = await addVehicle(session.accessToken, 1);
    const socket = await open(bearer(session.accessToken), 250);
    const live = collect(socket.client, VEHICLE_TELEMETRY, { id: vehicleId });
    expect((await socket.run(ME)).data.me.id).toBe(session.user.id);

    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at).toBeGreaterThanOrEqual(expiryOf(session.accessToken));
    // Keep-alive pings were answered all along; they did not keep the socket open.
    expect(socket.pongs).toBeGreaterThanOrEqual(5);
    await waitFor(() => live.completed, 'the subscription to end');
    expect(live.error).toMatchObject({ code: 4403 });
    expect(live.results).toEqual([]);

    // The next operation is refused: the token no longer opens a socket, nor passes over HTTP.
    await expect(observedSocket(t.url, bearer(session.accessToken))).rejects.toMatchObject({ code: 4403 });
    const http = await postJson(t.url, { query: ME }, { token: session.accessToken });
    expect(http.status).toBe(401);
    expect(errorCodes(http)).toEqual(['UNAUTHENTICATED']);
  });

  it('stay valid past the first expiry when the client refreshes them with a ping, until the new token expires', async () => {
    const session = await register('ws-refresh@example.com');
    const socket = await open(bearer(session.accessToken));
    const firstExpiry = expiryOf(session.accessToken);
    await sleepUntil(firstExpiry - 2_500);

    const refreshed = await t.request(RefreshTokenDocument, { refreshToken: session.refreshToken });
    const renewed = refreshed.data!.refreshToken.accessToken;
    expect(expiryOf(renewed)).toBeGreaterThan(firstExpiry);
    const pong = await socket.ping(bearer(renewed));
    // The pong echoes the ping's payload, but never the credentials it carried.
    expect(pong.ref).toEqual(expect.any(String));
    expect(JSON.stringify(pong)).not.toContain(renewed);

    await sleepUntil(firstExpiry + 500);
    expect(socket.open).toBe(true);
    expect((await socket.run(ME)).data.me.id).toBe(session.user.id);

    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at).toBeGreaterThanOrEqual(expiryOf(renewed));
  });

  it("close the socket with 4403 when a ping brings another user's token, which never takes over the socket", async () => {
    const victim = await register('ws-victim@example.com');
    const intruder = await register('ws-intruder@example.com');
    const vehicleId = await addVehicle(victim.accessToken, 2);
    // A token issued just now: the set-up above may outlast the 5-s lifetime on a busy machine,
    // and an expiry would close the socket with the same 4403 before the ping.
    const refreshed = await t.request(RefreshTokenDocument, { refreshToken: victim.refreshToken });
    const victimToken = refreshed.data!.refreshToken.accessToken;
    const socket = await open(bearer(victimToken));
    const live = collect(socket.client, VEHICLE_TELEMETRY, { id: vehicleId });
    expect((await socket.run(ME)).data.me.id).toBe(victim.user.id);

    const ping = socket.ping(bearer(intruder.accessToken));
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at).toBeLessThan(expiryOf(victimToken));
    await waitFor(() => live.completed, 'the subscription to end');
    expect(live.results).toEqual([]);
    void ping;
  });

  it('refuse a well-signed access token without exp with UNAUTHENTICATED over HTTP and 4403 over WebSocket', async () => {
    const session = await register('ws-forever@example.com');
    const sign = (options: jwt.SignOptions) =>
      jwt.sign({ roles: ['CUSTOMER'], typ: 'access' }, t.config.JWT_SECRET, {
        algorithm: 'HS256',
        subject: session.user.id,
        issuer: 'clutch',
        ...options,
      });
    const forever = sign({});
    expect(jwt.decode(forever)).not.toHaveProperty('exp');

    const http = await postJson(t.url, { query: ME }, { token: forever });
    expect(http.status).toBe(401);
    expect(errorCodes(http)).toEqual(['UNAUTHENTICATED']);
    expect(http.data ?? null).toBeNull();
    await expect(observedSocket(t.url, bearer(forever))).rejects.toMatchObject({ code: 4403 });

    // The same token with an expiry passes: what is refused is the missing exp.
    const bounded = sign({ expiresIn: 60 });
    expect((await postJson(t.url, { query: ME }, { token: bounded })).data.me.id).toBe(session.user.id);
  });

  it("close an API key's socket with 4403 when the key expires", async () => {
    const admin = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
    const expiresAt = new Date(Date.now() + 3_000);
    const created = await t.request(
      CreateApiKeyDocument,
      { input: { name: 'short-lived', scopes: ['AUDIT_READ'], expiresAt: expiresAt.toISOString() } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const socket = await open({ 'x-api-key': created.data!.createApiKey.key });
    const audit = await socket.run('{ auditLog(first: 1) { totalCount } }');
    expect(audit.errors).toBeUndefined();

    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt.getTime());
  });
});
