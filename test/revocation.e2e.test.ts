import { errorCodes, postJson } from './client.js';
import {
  CreateApiKeyDocument,
  LiveAddVehicleDocument,
  LoginDocument,
  LogoutDocument,
  PairObdDeviceDocument,
  RefreshTokenDocument,
  RegisterDocument,
  RemoveVehicleDocument,
  RevokeApiKeyDocument,
  RevokeObdDeviceDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { capturedLogger } from './captured-logger.js';
import { ingest } from './live.js';
import { observedSocket, vinFor, type ObservedSocket } from './socket-client.js';
import { startGatewayService } from '../app/system.js';

/**
 * Issue #9, defects 1 and 9: a revoked API key, device token, removed vehicle or ended session
 * is refused at once, over HTTP and on open sockets, with the verdict cache at its default.
 */
let t: TestSystem;
const sockets: ObservedSocket[] = [];
const open = async (params: Record<string, unknown>) => {
  const socket = await observedSocket(t.url, params);
  sockets.push(socket);
  return socket;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ME = '{ me { id } }';
const AUDIT = '{ auditLog(first: 1) { totalCount } }';
const INGEST = `mutation ($vehicleId: ID!, $frames: [String!]!) {
  ingestObdFrames(vehicleId: $vehicleId, frames: $frames) { accepted readingsStored }
}`;

beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await t.stop();
});

const adminToken = async () => (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;

async function register(email: string) {
  const { data, errors } = await t.request(RegisterDocument, {
    input: { email, password: 'a-long-password', name: email },
  });
  if (errors) throw new Error(JSON.stringify(errors));
  return data!.register;
}

async function vehicleWithDevice(token: string, n: number) {
  const added = await t.request(LiveAddVehicleDocument, { input: { vin: vinFor(n), make: 'Honda' } }, { token });
  const vehicleId = added.data!.addVehicle.id;
  const paired = await t.request(PairObdDeviceDocument, { vehicleId, serial: `SN-REVOKE-${n}` }, { token });
  if (paired.errors) throw new Error(JSON.stringify(paired.errors));
  const { deviceToken, device } = paired.data!.pairObdDevice;
  return { vehicleId, deviceToken, deviceId: device.id };
}

/** Points stored in every telemetry bucket: what a refused ingest must not change. */
async function storedPoints(): Promise<number> {
  const buckets = await t.system.deps.mongo.db('telemetry').collection('reading_buckets').find({}).toArray();
  return buckets
    .flatMap((b) => Object.values((b.series ?? {}) as Record<string, { count: number }>))
    .reduce((sum, s) => sum + s.count, 0);
}

const expectRefused = (response: { status: number; errors?: unknown[]; data?: unknown }) => {
  expect(response.status).toBe(401);
  expect(errorCodes(response as never)).toEqual(['UNAUTHENTICATED']);
  expect(response.data ?? null).toBeNull();
};

describe('revocation, with the verdict cache at its default', () => {
  it('keeps the API key / device verdict cache at 30 s', () => {
    expect(t.config.API_KEY_CACHE_SECONDS).toBe(30);
  });

  it('a revoked API key is refused over HTTP at once and its socket closes with 4403', async () => {
    const admin = await adminToken();
    const { key, apiKey } = (
      await t.request(CreateApiKeyDocument, { input: { name: 'partner', scopes: ['AUDIT_READ'] } }, { token: admin })
    ).data!.createApiKey;
    // Both verdict paths warm: the key is cached as valid.
    expect((await postJson(t.url, { query: AUDIT }, { apiKey: key })).status).toBe(200);
    const socket = await open({ 'x-api-key': key });
    expect((await socket.run(AUDIT)).errors).toBeUndefined();

    const revokedAt = Date.now();
    expect((await t.request(RevokeApiKeyDocument, { id: apiKey.id }, { token: admin })).errors).toBeUndefined();
    expectRefused(await postJson(t.url, { query: AUDIT }, { apiKey: key }));
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at - revokedAt).toBeLessThan(5_000);
  });

  it('a revoked device token cannot ingest at once, stores nothing, and its socket closes with 4403', async () => {
    const owner = await register('revoke-device@example.com');
    const { vehicleId, deviceToken, deviceId } = await vehicleWithDevice(owner.accessToken, 11);
    expect((await ingest(t, vehicleId, ['41 0C 1A F8'], deviceToken)).errors).toBeUndefined();
    const socket = await open(bearer(deviceToken));
    expect((await socket.run(INGEST, { vehicleId, frames: ['41 0C 1A F8'] })).errors).toBeUndefined();

    const revoked = await t.request(RevokeObdDeviceDocument, { id: deviceId }, { token: owner.accessToken });
    expect(revoked.errors).toBeUndefined();
    const before = await storedPoints();
    expectRefused(await ingest(t, vehicleId, ['41 0D 50'], deviceToken));
    expect((await socket.closed).code).toBe(4403);
    expect(await storedPoints()).toBe(before);
  });

  it("a removed vehicle's device cannot ingest at once and stores nothing", async () => {
    const owner = await register('remove-vehicle@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(owner.accessToken, 12);
    expect((await ingest(t, vehicleId, ['41 0C 1A F8'], deviceToken)).errors).toBeUndefined();
    const socket = await open(bearer(deviceToken));

    expect(
      (await t.request(RemoveVehicleDocument, { id: vehicleId }, { token: owner.accessToken })).errors,
    ).toBeUndefined();
    const before = await storedPoints();
    expectRefused(await ingest(t, vehicleId, ['41 0D 50'], deviceToken));
    expect((await socket.closed).code).toBe(4403);
    expect(await storedPoints()).toBe(before);
  });

  it("logout refuses the session's access token over HTTP at once and closes its sockets; other sessions go on", async () => {
    const session = await register('logout@example.com');
    const other = (await t.request(LoginDocument, { email: 'logout@example.com', password: 'a-long-password' })).data!
      .login;
    const socket = await open(bearer(session.accessToken));
    const otherSocket = await open(bearer(other.accessToken));
    expect((await postJson(t.url, { query: ME }, { token: session.accessToken })).status).toBe(200);

    expect((await t.request(LogoutDocument, { refreshToken: session.refreshToken })).data!.logout).toBe(true);
    expectRefused(await postJson(t.url, { query: ME }, { token: session.accessToken }));
    expect((await socket.closed).code).toBe(4403);

    expect((await postJson(t.url, { query: ME }, { token: other.accessToken })).data.me.id).toBe(session.user.id);
    expect((await otherSocket.run(ME)).data.me.id).toBe(session.user.id);
    expect(otherSocket.open).toBe(true);
  });

  it("reuse of a spent refresh token ends the session's access tokens too", async () => {
    const session = await register('reuse@example.com');
    const rotated = (await t.request(RefreshTokenDocument, { refreshToken: session.refreshToken })).data!.refreshToken;
    expect((await postJson(t.url, { query: ME }, { token: rotated.accessToken })).status).toBe(200);

    const reused = await t.request(RefreshTokenDocument, { refreshToken: session.refreshToken });
    expect(errorCodes(reused)).toEqual(['UNAUTHENTICATED']);
    expectRefused(await postJson(t.url, { query: ME }, { token: rotated.accessToken }));
    expectRefused(await postJson(t.url, { query: ME }, { token: session.accessToken }));
  });

  it('a gateway started after a logout refuses its access token (loaded from identity, no bus)', async () => {
    const session = await register('late-gateway@example.com');
    await t.request(LogoutDocument, { refreshToken: session.refreshToken });
    const urls = Object.fromEntries(t.system.subgraphs.map((s) => [s.name, s.url]));
    const late = await startGatewayService(t.config, capturedLogger('silent').logger, urls, 0);
    try {
      expectRefused(await postJson(late.url, { query: ME }, { token: session.accessToken }));
      const live = await register('late-gateway-2@example.com');
      expect((await postJson(late.url, { query: ME }, { token: live.accessToken })).data.me.id).toBe(live.user.id);
    } finally {
      await late.stop();
    }
  });

  it('a gateway starts when identity is down, warns that revoked sessions are not loaded yet, and retries', async () => {
    const urls = Object.fromEntries(t.system.subgraphs.map((s) => [s.name, s.url]));
    const { lines, logger } = capturedLogger('warn');
    // Nothing listens on port 1: identity is unreachable from this gateway.
    const late = await startGatewayService(t.config, logger, { ...urls, identity: 'http://127.0.0.1:1/graphql' }, 0);
    try {
      expect((await fetch(`${new URL(late.url).origin}/health/ping`)).status).toBe(200);
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('revoked sessions not loaded'));
      expect(warning).toMatchObject({ level: 'warn', retry: true });
      expect(lines.join('\n')).not.toContain(t.config.INTERNAL_SECRET);
    } finally {
      await late.stop();
    }
  });
});
