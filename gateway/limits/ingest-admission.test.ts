import { ApolloServer } from '@apollo/server';
import { Registry } from 'prom-client';
import type { GatewayContext } from '../context.js';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { IngestAdmission } from './ingest-admission.js';

/** Uploads that run until the test lets them finish, and a query beside them. */
function serverWith(maxInFlight: number) {
  const waiting: { finish: () => void; fail: () => void }[] = [];
  let started = 0;
  const registry = new Registry();
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { me: String }
      type Mutation { ingestObdFrames(vehicleId: ID!): Int, ingestObdRounds(vehicleId: ID!): Int, ingestReadings(vehicleId: ID!): Int, renameVehicle: Int }`,
    resolvers: {
      Query: { me: () => 'me' },
      Mutation: {
        ingestObdFrames: () =>
          new Promise<number>((resolve, reject) => {
            started++;
            waiting.push({ finish: () => resolve(1), fail: () => reject(new Error('database down')) });
          }),
        ingestReadings: () => {
          started++;
          return 1;
        },
        ingestObdRounds: () => {
          started++;
          return 1;
        },
        renameVehicle: () => 1,
      },
    },
    plugins: [new IngestAdmission({ maxInFlight, retryAfterSeconds: 1, registry }).plugin()],
  });
  const run = (query: string) => server.executeOperation({ query }, { contextValue: {} as GatewayContext });
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
  return { server, waiting, started: () => started, run, metric };
}

const INGEST = 'mutation { ingestObdFrames(vehicleId: "v") }';
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('IngestAdmission', () => {
  it('refuses an upload past INGEST_MAX_IN_FLIGHT before it runs, with SERVICE_UNAVAILABLE and Retry-After', async () => {
    const s = serverWith(2);
    await s.server.start();
    const running = [s.run(INGEST), s.run(INGEST)];
    await until(() => s.waiting.length === 2);
    expect(await s.metric('gateway_ingest_in_flight')).toBe(2);

    const refused = await s.run(INGEST);
    const other = await s.run('mutation { ingestReadings(vehicleId: "v") }');
    const rounds = await s.run('mutation { ingestObdRounds(vehicleId: "v") }');
    // The status stays the request's (a batch shares one with uploads that were stored).
    expect(refused.http.status).toBeUndefined();
    expect(refused.http.headers.get('retry-after')).toBe('1');
    for (const answer of [refused, other, rounds]) {
      expect(answer.body.kind === 'single' && answer.body.singleResult.errors?.[0]).toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 },
      });
    }
    // Neither ran: the two admitted are the only uploads started.
    expect(s.started()).toBe(2);
    expect(await s.metric('gateway_ingest_refused_total')).toBe(3); // at: operation
    // Other operations are not ingest and are not held back.
    const query = await s.run('{ me }');
    expect(query.body.kind === 'single' && query.body.singleResult.data).toEqual({ me: 'me' });
    const rename = await s.run('mutation { renameVehicle }');
    expect(rename.body.kind === 'single' && rename.body.singleResult.errors).toBeUndefined();

    s.waiting[0].finish();
    s.waiting[1].fail();
    await Promise.all(running);
    // A finished and a failed upload both gave their place back.
    expect(await s.metric('gateway_ingest_in_flight')).toBe(0);
    const next = [s.run(INGEST), s.run(INGEST)];
    await until(() => s.waiting.length === 4);
    expect(s.started()).toBe(4);
    s.waiting[2].finish();
    s.waiting[3].finish();
    for (const answer of await Promise.all(next))
      expect(answer.body.kind === 'single' && answer.body.singleResult.data).toEqual({ ingestObdFrames: 1 });
    await s.server.stop();
  });

  it("refuses a device's whole request at the door, before its body is read, while the bound is reached", async () => {
    const serve = async (maxInFlight: number) => {
      const app = express();
      app.use(
        '/graphql',
        new IngestAdmission({ maxInFlight, retryAfterSeconds: 1 }).door(),
        express.json(),
        (req, res) => res.json({ passed: true, body: req.body }),
      );
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const post = (authorization?: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: INGEST }),
        });
      return { post, close: () => new Promise((resolve) => server.close(resolve)) };
    };
    const full = await serve(0);
    const refused = await full.post('Bearer dt_abc.def');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 } }],
    });
    // Other callers go on to the operation's own check; so does a device while there is room.
    for (const authorization of ['Bearer eyJhbGciOi.user.jwt', undefined]) {
      expect(await (await full.post(authorization)).json()).toMatchObject({ passed: true });
    }
    await full.close();
    const room = await serve(1);
    expect(await (await room.post('Bearer dt_abc.def')).json()).toMatchObject({ passed: true });
    await room.close();
  });
});
