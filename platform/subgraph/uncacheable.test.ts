import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLObjectType, parse } from 'graphql';
import { INTERNAL_SECRET_HEADER } from '../auth/viewer.js';
import { createLogger } from '../logger.js';
import { serveSubgraph } from './serve-subgraph.js';

const SECRET = 'internal-secret-for-this-test-only-0123456789';

describe("a subgraph's answers without Apollo's cache-control plugin", () => {
  it('are still `cache-control: no-store`, and its field resolvers run unwrapped (no per-field hook)', async () => {
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { car: Car } type Car { vin: String }'),
      resolvers: { Query: { car: () => ({ vin: 'V1' }) }, Car: { vin: (car: { vin: string }) => car.vin } },
    });
    const car = schema.getType('Car') as GraphQLObjectType;
    const resolveVin = car.getFields().vin!.resolve;
    const running = await serveSubgraph(
      { name: 'uncacheable-test', schema },
      { host: '127.0.0.1', port: 0, internalSecret: SECRET, logger: createLogger({ level: 'silent', service: 't' }) },
    );
    try {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: SECRET },
        body: JSON.stringify({ query: '{ car { vin } }' }),
      });
      expect(await response.json()).toEqual({ data: { car: { vin: 'V1' } } });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(car.getFields().vin!.resolve).toBe(resolveVin);
    } finally {
      await running.stop();
    }
  });
});
