import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { RawHttpConnection } from '../../test/raw-http.js';
import { INTERNAL_SECRET_HEADER } from '../auth/viewer.js';
import { createLogger } from '../logger.js';
import { serveSubgraph } from './serve-subgraph.js';

const SECRET = 'internal-secret-for-this-test-only-0123456789';

describe('a subgraph that is stopping', () => {
  it('finishes the request in flight and refuses, unexecuted, one sent after on the same keep-alive connection', async () => {
    const writes: string[] = [];
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { slow: String } type Mutation { write(value: String!): Boolean }'),
      resolvers: {
        Query: { slow: () => new Promise((resolve) => setTimeout(() => resolve('done'), 400)) },
        Mutation: { write: (_: unknown, { value }: { value: string }) => writes.push(value) > 0 },
      },
    });
    const running = await serveSubgraph(
      { name: 'drain-test', schema },
      { host: '127.0.0.1', port: 0, internalSecret: SECRET, logger: createLogger({ level: 'silent', service: 't' }) },
    );
    const connection = await RawHttpConnection.open(running.url);
    try {
      const headers = { [INTERNAL_SECRET_HEADER]: SECRET };
      connection.post(running.url, { query: 'mutation { write(value: "before") }' }, headers);
      expect((await connection.response()).status).toBe(200);

      connection.post(running.url, { query: '{ slow }' }, headers);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = running.stop();
      connection.post(running.url, { query: 'mutation { write(value: "after") }' }, headers);

      const slow = await connection.response();
      expect([slow.status, JSON.parse(slow.body)]).toEqual([200, { data: { slow: 'done' } }]);
      const refused = await connection.response();
      expect(refused.status).toBe(503);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      await connection.closed();
      await stopping;
      expect(writes).toEqual(['before']);
    } finally {
      connection.destroy();
    }
  });
});
