import { errorCodes, postJson } from './client.js';
import {
  CreateApiKeyDocument,
  LiveAddVehicleDocument,
  LoginDocument,
  LogoutDocument,
  PairObdDeviceDocument,
  RegisterDocument,
  RevokeApiKeyDocument,
  RevokeObdDeviceDocument,
} from './generated/graphql.js';
import { ADMIN, type TestSystem } from './harness.js';
import { ingest } from './live.js';
import { observedSocket, vinFor, type ObservedSocket } from './socket-client.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';

/**
 * Issue #9, defect 9: a revocation made through one gateway instance reaches the others through
 * the event bus (Redis) at once, not when their cached verdicts (30 s) run out.
 */
let a: TestSystem;
let b: TestSystem;
let deployments: TwoDeployments | undefined;
const sockets: ObservedSocket[] = [];
const ME = '{ me { id } }';
const AUDIT = '{ auditLog(first: 1) { totalCount } }';
/** Far under the 30 s a cached verdict lives: only the bus can make it. */
const PROMPTLY_MS = 3_000;

beforeAll(async () => {
  deployments = await startTwoDeployments();
  ({ a, b } = deployments);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await deployments?.stop();
});

const openOnB = async (params: Record<string, unknown>) => {
  const socket = await observedSocket(b.url, params);
  sockets.push(socket);
  return socket;
};

/** How long, from now, until `request` is answered 401 UNAUTHENTICATED; fails past PROMPTLY_MS. */
async function refusedWithin(request: () => Promise<{ status: number; errors?: unknown[] }>): Promise<number> {
  const start = Date.now();
  for (;;) {
    const response = await request();
    if (response.status === 401) {
      expect(errorCodes(response as never)).toEqual(['UNAUTHENTICATED']);
      return Date.now() - start;
    }
    if (Date.now() - start > PROMPTLY_MS) throw new Error(`still answered ${response.status} after ${PROMPTLY_MS} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('keeps the default 30 s verdict cache on both instances', () => {
  expect([a.config.API_KEY_CACHE_SECONDS, b.config.API_KEY_CACHE_SECONDS]).toEqual([30, 30]);
});

it('an API key revoked through one gateway is refused by the other at once, and its socket there closes', async () => {
  const admin = (await a.request(LoginDocument, ADMIN)).data!.login.accessToken;
  const { key, apiKey } = (
    await a.request(CreateApiKeyDocument, { input: { name: 'fleet', scopes: ['AUDIT_READ'] } }, { token: admin })
  ).data!.createApiKey;
  expect((await postJson(b.url, { query: AUDIT }, { apiKey: key })).status).toBe(200);
  const socket = await openOnB({ 'x-api-key': key });

  expect((await a.request(RevokeApiKeyDocument, { id: apiKey.id }, { token: admin })).errors).toBeUndefined();
  expect(await refusedWithin(() => postJson(b.url, { query: AUDIT }, { apiKey: key }))).toBeLessThan(PROMPTLY_MS);
  expect((await socket.closed).code).toBe(4403);
});

it('a logout through one gateway ends the access token on the other, sockets included', async () => {
  const session = (
    await a.request(RegisterDocument, {
      input: { email: 'scale-logout@example.com', password: 'a-long-password', name: 'L' },
    })
  ).data!.register;
  expect((await postJson(b.url, { query: ME }, { token: session.accessToken })).status).toBe(200);
  const socket = await openOnB({ authorization: `Bearer ${session.accessToken}` });

  await a.request(LogoutDocument, { refreshToken: session.refreshToken });
  expect(await refusedWithin(() => postJson(b.url, { query: ME }, { token: session.accessToken }))).toBeLessThan(
    PROMPTLY_MS,
  );
  expect((await socket.closed).code).toBe(4403);
});

it('a device revoked through one gateway cannot ingest through the other at once', async () => {
  const owner = (
    await a.request(RegisterDocument, {
      input: { email: 'scale-device@example.com', password: 'a-long-password', name: 'D' },
    })
  ).data!.register.accessToken;
  const vehicleId = (
    await a.request(LiveAddVehicleDocument, { input: { vin: vinFor(21), make: 'Ford' } }, { token: owner })
  ).data!.addVehicle.id;
  const { deviceToken, device } = (
    await a.request(PairObdDeviceDocument, { vehicleId, serial: 'SN-SCALE-21' }, { token: owner })
  ).data!.pairObdDevice;
  expect((await ingest(b, vehicleId, ['41 0C 1A F8'], deviceToken)).errors).toBeUndefined();

  await a.request(RevokeObdDeviceDocument, { id: device.id }, { token: owner });
  expect(await refusedWithin(() => ingest(b, vehicleId, ['41 0D 50'], deviceToken))).toBeLessThan(PROMPTLY_MS);
});
