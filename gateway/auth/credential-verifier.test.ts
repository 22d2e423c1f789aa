import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { INTERNAL_SECRET_HEADER } from '../../platform/auth/viewer.js';
import { InternalClient, internalRoute } from '../../platform/http/internal-route.js';
import { waitFor } from '../../test/wait-for.js';
import { CredentialVerifier } from './credential-verifier.js';

/** A stand-in owner of credentials: which are live, and every credential it was asked about. */
async function owner(live: Set<string>) {
  const asked: string[] = [];
  let failing = false;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      if (req.headers[INTERNAL_SECRET_HEADER] !== 'secret') return void res.writeHead(401).end();
      const { credential } = JSON.parse(text) as { credential: string };
      asked.push(credential);
      // Answers take a moment, as a lookup in a database does.
      setTimeout(() => {
        if (failing) return void res.writeHead(500).end();
        const valid = live.has(credential);
        res
          .writeHead(valid ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(valid ? { valid: true, deviceId: credential } : { valid: false }));
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/devices/verify`,
    asked,
    fail: (on: boolean) => void (failing = on),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The owner's route, as a contract declares one (the stand-in's verdicts name only the device). */
const verifyRoute = internalRoute({
  method: 'POST',
  path: '/internal/devices/verify',
  request: z.object({ credential: z.string() }),
  response: z.discriminatedUnion('valid', [
    z.object({ valid: z.literal(true), deviceId: z.string() }),
    z.object({ valid: z.literal(false) }),
  ]),
  answers: [401],
});
const verifierFor = (url: string, cacheSeconds: number) =>
  new CredentialVerifier<{ deviceId: string }>({
    ask: async (credential) => {
      const verdict = await new InternalClient({ url, internalSecret: 'secret' }).call(verifyRoute, { credential });
      return verdict.valid ? { deviceId: verdict.deviceId } : null;
    },
    cacheSeconds,
    // Every verdict is refreshed from half its life on.
    random: () => 0,
  });

describe('CredentialVerifier', () => {
  it('asks once for a credential that many requests bring at the same time', async () => {
    const service = await owner(new Set(['dt_a']));
    const verifier = verifierFor(service.url, 30);
    const verdicts = await Promise.all(['dt_a', 'dt_a', 'dt_a', 'dt_bad', 'dt_bad'].map((c) => verifier.verify(c)));
    expect(verdicts).toEqual([{ deviceId: 'dt_a' }, { deviceId: 'dt_a' }, { deviceId: 'dt_a' }, null, null]);
    expect(service.asked.sort()).toEqual(['dt_a', 'dt_bad']);
    await service.close();
  });

  it('uses a verdict past its refresh point at once and asks again behind; none is used past its life', async () => {
    const live = new Set(['dt_a']);
    const service = await owner(live);
    const verifier = verifierFor(service.url, 2);
    expect(await verifier.verify('dt_a')).toEqual({ deviceId: 'dt_a' });
    live.delete('dt_a');
    await sleep(1200);
    // Past half its life: still the verdict at once (no wait for the owner), and one refresh.
    expect(await Promise.all([verifier.verify('dt_a'), verifier.verify('dt_a')])).toEqual([
      { deviceId: 'dt_a' },
      { deviceId: 'dt_a' },
    ]);
    await waitFor(() => service.asked.length === 2, 'the refresh');
    await sleep(50);
    expect(await verifier.verify('dt_a')).toBeNull();
    expect(service.asked).toHaveLength(2);
    await service.close();
  });

  it('keeps a verdict whose refresh failed until its life ends, then refuses with SERVICE_UNAVAILABLE', async () => {
    const service = await owner(new Set(['dt_a']));
    const verifier = verifierFor(service.url, 2);
    expect(await verifier.verify('dt_a')).toEqual({ deviceId: 'dt_a' });
    service.fail(true);
    await sleep(1200);
    expect(await verifier.verify('dt_a')).toEqual({ deviceId: 'dt_a' });
    await waitFor(() => service.asked.length === 2, 'the refresh');
    await sleep(900);
    await expect(verifier.verify('dt_a')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    await service.close();
  });
});
