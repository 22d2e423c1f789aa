import { ApolloServer } from '@apollo/server';
import { Registry } from 'prom-client';
import type { GatewayContext } from '../context.js';
import { ingestAdmissionPlugin } from './ingest-admission.js';

/** Uploads that run until the test lets them finish, and a query beside them. */
function serverWith(maxInFlight: number) {
  const waiting: { finish: () => void; fail: () => void }[] = [];
  let started = 0;
  const registry = new Registry();
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { me: String }
      type Mutation { ingestObdFrames(vehicleId: ID!): Int, ingestReadings(vehicleId: ID!): Int, renameVehicle: Int }`,
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
        renameVehicle: () => 1,
      },
    },
    plugins: [ingestAdmissionPlugin({ maxInFlight, retryAfterSeconds: 1, registry })],
  });
  const run = (query: string) => server.executeOperation({ query }, { contextValue: {} as GatewayContext });
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
  return { server, waiting, started: () => started, run, metric };
}

const INGEST = 'mutation { ingestObdFrames(vehicleId: "v") }';
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('ingestAdmissionPlugin', () => {
  it('refuses an upload past INGEST_MAX_IN_FLIGHT before it runs, with SERVICE_UNAVAILABLE and Retry-After', async () => {
    const s = serverWith(2);
    await s.server.start();
    const running = [s.run(INGEST), s.run(INGEST)];
    await until(() => s.waiting.length === 2);
    expect(await s.metric('gateway_ingest_in_flight')).toBe(2);

    const refused = await s.run(INGEST);
    const other = await s.run('mutation { ingestReadings(vehicleId: "v") }');
    // The status stays the request's (a batch shares one with uploads that were stored).
    expect(refused.http.status).toBeUndefined();
    expect(refused.http.headers.get('retry-after')).toBe('1');
    for (const answer of [refused, other]) {
      expect(answer.body.kind === 'single' && answer.body.singleResult.errors?.[0]).toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 },
      });
    }
    // Neither ran: the two admitted are the only uploads started.
    expect(s.started()).toBe(2);
    expect(await s.metric('gateway_ingest_refused_total')).toBe(2);
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
});
