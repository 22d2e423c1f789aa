import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VEHICLE_DATA_READS_ROUTE } from '../../subgraphs/identity/contract.js';
import { HttpOrgReadAudit } from './org-read-audit.js';

const KEY = 'a'.repeat(24);

/** A stand-in for identity's route: records each batch; answers 503 while `failing`. */
async function fakeIdentity() {
  const batches: { reads: { vehicleId: string }[] }[] = [];
  const state = { failing: false };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== VEHICLE_DATA_READS_ROUTE || state.failing) {
        res.writeHead(503).end();
        return;
      }
      const parsed = JSON.parse(body);
      batches.push(parsed);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ recorded: parsed.reads.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, batches, state, close: () => new Promise((r) => server.close(r)) };
}

const read = (vehicleId: string) => ({ organizationId: 'org1', keyId: KEY, vehicleId, scope: 'HEALTH' as const });

describe('HttpOrgReadAudit', () => {
  it('sends reads recorded together in one call, without the caller waiting', async () => {
    const identity = await fakeIdentity();
    try {
      const audit = new HttpOrgReadAudit({ identityUrl: identity.url, internalSecret: 's', flushMs: 20 });
      for (let i = 0; i < 5; i++) audit.record(read(`v${i}`));
      expect(identity.batches).toHaveLength(0);
      // The flush comes from a timer: wait for it instead of guessing how late a loaded machine runs it.
      for (const deadline = Date.now() + 5_000; identity.batches.length === 0 && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 10));
      expect(identity.batches).toHaveLength(1);
      expect(identity.batches[0]!.reads.map((r) => r.vehicleId)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    } finally {
      await identity.close();
    }
  });

  it('keeps a batch identity could not take and sends it with the next; past maxQueued the oldest are dropped and counted', async () => {
    const identity = await fakeIdentity();
    try {
      const dropped: number[] = [];
      const audit = new HttpOrgReadAudit({
        identityUrl: identity.url,
        internalSecret: 's',
        flushMs: 10_000,
        maxQueued: 3,
        onDropped: (n) => dropped.push(n),
      });
      identity.state.failing = true;
      audit.record(read('v0'));
      audit.record(read('v1'));
      await audit.flush();
      expect(identity.batches).toHaveLength(0);
      identity.state.failing = false;
      audit.record(read('v2'));
      audit.record(read('v3'));
      expect(dropped).toEqual([1]);
      await audit.flush();
      expect(identity.batches.map((b) => b.reads.map((r) => r.vehicleId))).toEqual([['v1', 'v2', 'v3']]);
    } finally {
      await identity.close();
    }
  });
});
