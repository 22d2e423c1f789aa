import type { WebSocket } from 'ws';
import { ServiceUnavailableError, UnauthenticatedError } from '../../platform/errors.js';
import { capturedLogger } from '../../test/captured-logger.js';
import type { Authentication, Authenticator, Credentials } from './authenticate.js';
import { GatewayRevocations } from './revocations.js';
import { SocketAuth, withoutEchoedCredentials } from './socket-auth.js';

/** Credentials are looked up in `valid` by their authorization header; anything else is refused. */
function fakeAuthenticator(valid: Map<string, Authentication | Error>): Authenticator {
  const verify = async ({ authorization }: Credentials) => {
    const found = authorization ? valid.get(authorization) : undefined;
    if (found instanceof Error) throw found;
    if (!found) throw new UnauthenticatedError('Invalid access token');
    return found;
  };
  return { verify, authenticate: async (c) => (await verify(c))?.viewer, close: () => undefined };
}

const fakeSocket = () =>
  ({ readyState: 1, OPEN: 1, CLOSED: 3, close: jest.fn(), terminate: jest.fn() }) as unknown as WebSocket & {
    close: jest.Mock;
  };

const alice = (expiresAt: number, sessionId = 's-alice'): Authentication => ({
  viewer: { kind: 'user', userId: 'alice', roles: ['CUSTOMER'] },
  expiresAt,
  sessionId,
});

describe('SocketAuth', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const setup = () => {
    const valid = new Map<string, Authentication | Error>();
    const revocations = new GatewayRevocations(60_000);
    const sockets = new SocketAuth(fakeAuthenticator(valid), revocations, capturedLogger().logger);
    return { valid, revocations, sockets };
  };

  it('re-verifies before every operation: credentials that no longer verify close the socket with 4403', async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 60_000));
    const key = {};
    const socket = fakeSocket();
    expect(await sockets.open(key, socket, { authorization: 'Bearer a1' })).toMatchObject({ userId: 'alice' });
    await expect(sockets.authorise(key)).resolves.toMatchObject({ userId: 'alice' });

    valid.delete('Bearer a1');
    await expect(sockets.authorise(key)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(socket.close).toHaveBeenCalledWith(4403, expect.any(String));
    // Once ended, nothing more runs on it, even if the credentials verified again.
    valid.set('Bearer a1', alice(Date.now() + 60_000));
    await expect(sockets.authorise(key)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('keeps the socket when the owner of the credential cannot be asked (503), and says so', async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 60_000));
    const key = {};
    const socket = fakeSocket();
    await sockets.open(key, socket, { authorization: 'Bearer a1' });
    valid.set('Bearer a1', new ServiceUnavailableError());
    await expect(sockets.authorise(key)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(socket.close).not.toHaveBeenCalled();
  });

  it('closes the socket with 4403 when its credentials expire, however often it pings', async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 5_000));
    const key = {};
    const socket = fakeSocket();
    await sockets.open(key, socket, { authorization: 'Bearer a1' });
    for (let i = 0; i < 4; i++) {
      await sockets.refresh(key, {}); // a keep-alive ping: no credentials
      jest.advanceTimersByTime(1_000);
    }
    expect(socket.close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(socket.close).toHaveBeenCalledWith(4403, 'Credentials expired');
  });

  it('moves the expiry with credentials of the same principal sent in a ping', async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 5_000));
    valid.set('Bearer a2', alice(Date.now() + 20_000, 's-alice-2'));
    const key = {};
    const socket = fakeSocket();
    await sockets.open(key, socket, { authorization: 'Bearer a1' });
    jest.advanceTimersByTime(3_000);
    await sockets.refresh(key, { authorization: 'Bearer a2' });
    jest.advanceTimersByTime(10_000);
    expect(socket.close).not.toHaveBeenCalled();
    // Operations now run on the renewed credentials.
    valid.delete('Bearer a1');
    await expect(sockets.authorise(key)).resolves.toMatchObject({ userId: 'alice' });
    jest.advanceTimersByTime(7_000);
    expect(socket.close).toHaveBeenCalledWith(4403, 'Credentials expired');
  });

  it("closes the socket when a ping carries another principal's or invalid credentials", async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 60_000));
    valid.set('Bearer b1', {
      viewer: { kind: 'user', userId: 'bob', roles: ['ADMIN'] },
      expiresAt: Date.now() + 60_000,
    });
    const [k1, k2] = [{}, {}];
    const [s1, s2] = [fakeSocket(), fakeSocket()];
    await sockets.open(k1, s1, { authorization: 'Bearer a1' });
    await sockets.open(k2, s2, { authorization: 'Bearer a1' });
    await sockets.refresh(k1, { authorization: 'Bearer b1' });
    expect(s1.close).toHaveBeenCalledWith(4403, 'Refreshed credentials refused');
    await expect(sockets.authorise(k1)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await sockets.refresh(k2, { authorization: 'Bearer forged' });
    expect(s2.close).toHaveBeenCalledWith(4403, 'Refreshed credentials refused');
  });

  it('closes exactly the sockets a revocation covers, at once', async () => {
    const { valid, revocations, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 60_000, 's1'));
    valid.set('Bearer a2', alice(Date.now() + 60_000, 's2'));
    valid.set('Bearer k', { viewer: { kind: 'apiKey', keyId: 'k1', ownerId: 'admin', scopes: [] } });
    valid.set('Bearer d', { viewer: { kind: 'device', deviceId: 'd1', vehicleId: 'v1' } });
    const open = async (authorization: string) => {
      const socket = fakeSocket();
      await sockets.open({}, socket, { authorization });
      return socket;
    };
    const [s1, s2, key, device] = [
      await open('Bearer a1'),
      await open('Bearer a2'),
      await open('Bearer k'),
      await open('Bearer d'),
    ];

    revocations.revoke({ kind: 'session', sessionId: 's1' }, Date.now() + 60_000);
    expect(s1.close).toHaveBeenCalledWith(4403, 'Credentials revoked');
    expect([s2, key, device].some((s) => s.close.mock.calls.length > 0)).toBe(false);

    revocations.revoke({ kind: 'apiKey', keyId: 'k1' });
    expect(key.close).toHaveBeenCalledWith(4403, 'Credentials revoked');
    revocations.revoke({ kind: 'vehicle', vehicleId: 'v1' });
    expect(device.close).toHaveBeenCalledWith(4403, 'Credentials revoked');
    expect(s2.close).not.toHaveBeenCalled();
  });

  it('forgets a closed socket: no timer fires for it and it no longer counts', async () => {
    const { valid, sockets } = setup();
    valid.set('Bearer a1', alice(Date.now() + 5_000));
    const key = {};
    const socket = fakeSocket();
    await sockets.open(key, socket, { authorization: 'Bearer a1' });
    expect(sockets.size).toBe(1);
    sockets.closed(key);
    expect(sockets.size).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(socket.close).not.toHaveBeenCalled();
  });
});

describe('withoutEchoedCredentials (graphql-ws jsonMessageReplacer)', () => {
  const send = (message: unknown) => JSON.parse(JSON.stringify(message, withoutEchoedCredentials));

  it('drops credentials from a pong that echoes a refresh ping, keeping the rest of its payload', () => {
    const pong = { type: 'pong', payload: { Authorization: 'Bearer secret', 'x-api-key': 'ck_secret', ref: 'r1' } };
    expect(send(pong)).toEqual({ type: 'pong', payload: { ref: 'r1' } });
  });

  it('leaves every other message as it is, credentials-looking fields included', () => {
    const next = { type: 'next', id: '1', payload: { data: { authorization: 'kept' } } };
    expect(send(next)).toEqual(next);
    expect(send({ type: 'pong' })).toEqual({ type: 'pong' });
  });
});
