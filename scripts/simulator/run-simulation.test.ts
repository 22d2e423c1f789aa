import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from './random.js';
import { runSimulation } from './run-simulation.js';
import { uploadSlot } from './upload-slot.js';

interface Operation {
  query: string;
  variables: Record<string, any>;
}

/**
 * A stand-in gateway for the simulator's own behaviour (pacing, backlog, giving up); the real
 * system is exercised by test/simulator.e2e.test.ts. Ingest answers after `ingestDelayMs`, or never.
 */
async function fakeGateway(ingestDelayMs: number | 'never', refuseFirst = 0) {
  const ingested: Operation[] = [];
  /** When each ingested operation arrived (Date.now()), in the order of `ingested`. */
  const arrivedAt: number[] = [];
  let requests = 0;
  const busy = {
    message: 'Too many uploads in progress',
    extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 0 },
  };
  const answer = (op: Operation) => {
    if (op.query.includes('ScriptProvisionFleet')) {
      const owners = op.variables.input.owners;
      return {
        provisionFleet: {
          replayed: false,
          ownersCreated: owners.length,
          vehiclesCreated: owners.length,
          devicesPaired: owners.length,
          owners: owners.map((owner: any, i: number) => ({
            externalRef: null,
            email: owner.email,
            created: true,
            user: { id: `u${i}` },
            vehicles: owner.vehicles.map((v: any) => ({
              created: true,
              vehicle: { id: `v${i}`, vin: v.vin },
              device: { paired: true, deviceToken: 'dt_fake', device: { id: `d${i}` } },
            })),
          })),
        },
      };
    }
    ingested.push(op);
    arrivedAt.push(Date.now());
    if (op.query.includes('SimulatorIngestRounds')) {
      const n = op.variables.rounds.reduce((sum: number, r: { frames: string[] }) => sum + r.frames.length, 0);
      return {
        ingestObdRounds: { accepted: n, rejected: 0, readingsStored: n, dtcsStored: 0, duplicate: false, errors: [] },
      };
    }
    const n = op.variables.frames.length;
    return {
      ingestObdFrames: { accepted: n, rejected: 0, readingsStored: n, dtcsStored: 0, duplicate: false, errors: [] },
    };
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text);
      const ops: Operation[] = Array.isArray(body) ? body : [body];
      const isIngest = ops[0].query.includes('SimulatorIngest');
      if (isIngest) requests++;
      if (isIngest && ingestDelayMs === 'never') return;
      const refused = isIngest && requests <= refuseFirst;
      const results = ops.map((op) => (refused ? { errors: [busy] } : { data: answer(op) }));
      setTimeout(
        () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify(Array.isArray(body) ? results : results[0])),
        isIngest ? (ingestDelayMs as number) : 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    ingested,
    arrivedAt,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Seed 6 puts the first dongle at the start of its upload interval (slot 0; see upload-slot.ts,
// pinned below), so that a lone dongle's uploads hold whole intervals.
const quietly = { quiet: true, log: () => undefined, seed: 6, apiKey: 'ck_fake' };
const slotOf = (vehicle: number, perUpload: number) =>
  uploadSlot(createRandom(quietly.seed).fork(`vehicle:${vehicle}`), perUpload);

it("the seed these tests use starts the first dongle's upload interval with the run", () => {
  expect([slotOf(0, 5), slotOf(0, 10)]).toEqual([0, 0]);
});

describe('runSimulation pacing', () => {
  it('takes a round every 1/hz s, each uploaded once with its own time and idempotency key', async () => {
    const gateway = await fakeGateway(0);
    const summary = await runSimulation({ ...quietly, url: gateway.url, vehicles: 1, hz: 10, durationSeconds: 1 });
    expect(summary).toMatchObject({ samples: 10, samplesStored: 10, samplesLost: 0, errors: {} });
    const times = gateway.ingested.map((op) => Date.parse(op.variables.recordedAt));
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(9).fill(100));
    expect(new Set(gateway.ingested.map((op) => op.variables.idempotencyKey)).size).toBe(10);
    await gateway.close();
  });

  it('uploads the backlog together when the gateway is slower than the rounds, losing none and sending each once', async () => {
    const gateway = await fakeGateway(250);
    const summary = await runSimulation({ ...quietly, url: gateway.url, vehicles: 1, hz: 10, durationSeconds: 2 });
    expect(summary).toMatchObject({ samples: 20, samplesStored: 20, samplesLost: 0, errors: {} });
    expect(gateway.requests()).toBeLessThan(12);
    const keys = gateway.ingested.map((op) => op.variables.idempotencyKey);
    expect(new Set(keys).size).toBe(20);
    expect(keys).toHaveLength(20);
    await gateway.close();
  });

  it('keeps rounds the gateway refused for now once the retries are spent, and sends them with the next upload', async () => {
    const gateway = await fakeGateway(0, 3);
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 1,
      retryPolicy: { attempts: 2, baseMs: 1, maxMs: 2 },
    });
    expect(summary).toMatchObject({
      samples: 10,
      samplesStored: 10,
      samplesLost: 0,
      // The first round refused twice, then again with the second in one request: four refusals.
      errors: { SERVICE_UNAVAILABLE: 4 },
    });
    const keys = gateway.ingested.map((op) => op.variables.idempotencyKey);
    expect(keys).toHaveLength(10);
    expect(new Set(keys).size).toBe(10);
    await gateway.close();
  });

  it('gives up on uploads the grace period after the end when the gateway stops answering, counting them lost', async () => {
    const gateway = await fakeGateway('never');
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 2,
      hz: 5,
      durationSeconds: 1,
      flushGraceSeconds: 0.5,
    });
    expect(summary.samples).toBe(10);
    expect(summary.samplesLost).toBe(10);
    expect(summary.samplesStored).toBe(0);
    expect(summary.errors).toEqual({ ABANDONED: expect.any(Number) });
    expect(summary.framesSent).toBe(0);
    await gateway.close();
  });

  it('stops at once on the signal, and returns the summary', async () => {
    const gateway = await fakeGateway(0);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 700);
    const summary = await runSimulation({ ...quietly, url: gateway.url, vehicles: 1, hz: 5, signal: stop.signal });
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.samples).toBeGreaterThan(0);
    expect(summary.samplesLost).toBe(0);
    await gateway.close();
  });

  it('with --upload-every, buffers the rounds and sends them as one ingestObdRounds, each round with its own time', async () => {
    const gateway = await fakeGateway(0);
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 2,
      uploadEverySeconds: 0.5,
    });
    expect(summary).toMatchObject({ samples: 20, samplesStored: 20, samplesLost: 0, errors: {} });
    expect(gateway.ingested).toHaveLength(4);
    expect(gateway.ingested.every((op) => op.query.includes('ingestObdRounds'))).toBe(true);
    const rounds = gateway.ingested.flatMap((op) => op.variables.rounds as { recordedAt: string; frames: string[] }[]);
    const times = rounds.map((r) => Date.parse(r.recordedAt));
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(19).fill(100));
    expect(new Set(gateway.ingested.map((op) => op.variables.idempotencyKey)).size).toBe(4);
    expect(summary.framesSent).toBe(rounds.reduce((n, r) => n + r.frames.length, 0));
    await gateway.close();
  });

  it('with --upload-every, resends rounds refused for now under the key they were first sent with', async () => {
    const gateway = await fakeGateway(0, 2);
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 1,
      uploadEverySeconds: 0.5,
      retryPolicy: { attempts: 2, baseMs: 1, maxMs: 2 },
    });
    expect(summary).toMatchObject({
      samples: 10,
      samplesStored: 10,
      samplesLost: 0,
      errors: { SERVICE_UNAVAILABLE: 2 },
    });
    // The first upload (rounds 0-4), refused twice, went up again beside the second, under its own key.
    const uploads = gateway.ingested.map((op) => [
      op.variables.idempotencyKey.replace(/^.*-r/, 'r'),
      (op.variables.rounds as unknown[]).length,
    ]);
    expect(uploads).toEqual([
      ['r0-4', 5],
      ['r5-9', 5],
    ]);
    await gateway.close();
  });

  it("with --upload-every, spreads a fleet's uploads over the interval instead of sending them together", async () => {
    const gateway = await fakeGateway(0);
    await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 2,
      hz: 10,
      durationSeconds: 1,
      uploadEverySeconds: 0.5,
    });
    const firstUpload = (vehicleId: string) =>
      (gateway.ingested.find((op) => op.variables.vehicleId === vehicleId)!.variables.rounds as unknown[]).length;
    // Each dongle's first upload holds what is left of the interval after its slot.
    expect([slotOf(0, 5), slotOf(1, 5)]).toEqual([0, 4]);
    expect([firstUpload('v0'), firstUpload('v1')]).toEqual([5, 1]);
    await gateway.close();
  });

  it("with --upload-every, sends a run's last rounds at the dongle's own next upload time, not with the whole fleet at the end", async () => {
    const gateway = await fakeGateway(0);
    const startedAt = Date.now();
    // Dongle 0 (slot 0) would next upload after round 9, at 0.9 s; dongle 1 (slot 9) after round 0, then after round 10.
    expect([slotOf(0, 10), slotOf(1, 10)]).toEqual([0, 9]);
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 2,
      hz: 10,
      durationSeconds: 0.3,
      uploadEverySeconds: 1,
    });
    expect(summary).toMatchObject({ samples: 6, samplesStored: 6, samplesLost: 0, errors: {} });
    const uploads = gateway.ingested.map((op, i) => ({
      vehicle: op.variables.vehicleId,
      rounds: (op.variables.rounds as unknown[]).length,
      afterMs: gateway.arrivedAt[i] - startedAt,
    }));
    expect(uploads.map(({ vehicle, rounds }) => [vehicle, rounds])).toEqual([
      ['v1', 1],
      ['v0', 3],
      ['v1', 2],
    ]);
    // The run ended at 0.3 s: each remainder waited for its dongle's time (0.9 s and 1.05 s).
    expect(uploads[1].afterMs).toBeGreaterThanOrEqual(850);
    expect(uploads[2].afterMs).toBeGreaterThanOrEqual(1000);
    await gateway.close();
  });

  it('keeps trying the last flush that a busy gateway refuses for now, until the grace period ends', async () => {
    const gateway = await fakeGateway(0, 3);
    const summary = await runSimulation({
      ...quietly,
      url: gateway.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 0.5,
      uploadEverySeconds: 1,
      retryPolicy: { attempts: 2, baseMs: 1, maxMs: 2 },
    });
    // All five rounds are in the flush at the end: refused three times, then stored.
    expect(summary).toMatchObject({ samples: 5, samplesStored: 5, samplesLost: 0, errors: { SERVICE_UNAVAILABLE: 3 } });
    expect(gateway.ingested).toHaveLength(1);
    await gateway.close();
  });
});
