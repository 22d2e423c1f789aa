import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { signAccessToken } from '../../platform/auth/jwt.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';

/** Stand-ins for identity's and vehicles' verification routes, counting the calls each gets. */
let server: Server;
const calls: string[] = [];
let authenticator: Authenticator;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push(req.url!);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(
        req.url === '/internal/devices/verify'
          ? { valid: true, deviceId: 'd1', vehicleId: 'v1' }
          : { valid: true, keyId: '0123456789abcdef01234567', ownerId: 'org', scopes: [], expiresAt: null },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  authenticator = createAuthenticator({
    jwtSecret: 'x'.repeat(32),
    internalSecret: 'y'.repeat(32),
    cacheSeconds: 1,
    deviceCacheSeconds: 60,
    subgraphUrls: { identity: url, vehicles: url },
  });
});
afterAll(async () => {
  authenticator.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('createAuthenticator, deviceCacheSeconds', () => {
  it("keeps a device token's verdict past an API key's life, so a dongle uploading every 30 s is not re-verified each time", async () => {
    const device = { authorization: 'Bearer dt_0123456789abcdef01234567.secret' };
    const apiKey = { apiKey: 'ck_key' };
    expect((await authenticator.verify(device))?.viewer).toEqual({ kind: 'device', deviceId: 'd1', vehicleId: 'v1' });
    expect((await authenticator.verify(apiKey))?.viewer.kind).toBe('apiKey');
    await sleep(1_200);
    await authenticator.verify(device);
    await authenticator.verify(apiKey);
    expect(calls.filter((c) => c === '/internal/devices/verify')).toHaveLength(1);
    expect(calls.filter((c) => c === '/internal/api-keys/verify')).toHaveLength(2);
  });
});

describe('createAuthenticator, access tokens', () => {
  it('gives every request with one token the same frozen viewer, and another token its own', async () => {
    const secret = 'x'.repeat(32);
    const alice = { authorization: `Bearer ${signAccessToken(secret, 'alice', ['CUSTOMER'], 60)}` };
    const bob = { authorization: `Bearer ${signAccessToken(secret, 'bob', ['STAFF'], 60)}` };
    const first = await authenticator.authenticate(alice);
    expect(first).toEqual({ kind: 'user', userId: 'alice', roles: ['CUSTOMER'] });
    expect(await authenticator.authenticate(alice)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(await authenticator.authenticate(bob)).toEqual({ kind: 'user', userId: 'bob', roles: ['STAFF'] });
    const verified = await authenticator.verify(alice);
    expect(verified?.viewer).toBe(first);
    expect(verified?.expiresAt).toBeGreaterThan(Date.now() + 50_000);
    await expect(
      authenticator.authenticate({
        authorization: `Bearer ${signAccessToken('z'.repeat(32), 'alice', ['ADMIN'], 60)}`,
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
