import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { INTERNAL_SECRET_HEADER } from '../auth/viewer.js';
import { createLogger } from '../logger.js';
import { serveSubgraph } from './serve-subgraph.js';

const SECRET = 'internal-secret-for-this-test-only-0123456789';

describe("a subgraph's routes", () => {
  it('serve /graphql before any other route, and the others as before, all but health behind the secret', async () => {
    const passedBy: string[] = [];
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { ok: Boolean }'),
      resolvers: { Query: { ok: () => true } },
    });
    const running = await serveSubgraph(
      {
        name: 'routes-test',
        schema,
        publicRoutes: (app) => {
          app.use((req, _res, next) => {
            passedBy.push(req.path);
            next();
          });
          app.post('/public/hook', (_req, res) => void res.json({ public: true }));
        },
        internalRoutes: (router) => router.post('/internal/echo', (req, res) => void res.json({ echo: req.body })),
      },
      { host: '127.0.0.1', port: 0, internalSecret: SECRET, logger: createLogger({ level: 'silent', service: 't' }) },
    );
    const base = running.url.replace(/\/graphql$/, '');
    const post = async (path: string, body: unknown, secret?: string) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { [INTERNAL_SECRET_HEADER]: secret } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      expect(await post('/graphql', { query: '{ ok }' }, SECRET)).toEqual({
        status: 200,
        body: { data: { ok: true } },
      });
      const refused = await post('/graphql', { query: '{ ok }' }, 'wrong');
      expect([
        refused.status,
        (refused.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ]).toEqual([403, 'FORBIDDEN']);
      expect(passedBy).toEqual([]);

      expect(await post('/internal/echo', { a: 1 }, SECRET)).toEqual({ status: 200, body: { echo: { a: 1 } } });
      expect((await post('/internal/echo', { a: 1 })).status).toBe(403);
      expect(await post('/public/hook', {})).toEqual({ status: 200, body: { public: true } });
      expect((await fetch(`${base}/health/ping`)).status).toBe(200);
      expect(passedBy).toEqual(['/internal/echo', '/internal/echo', '/public/hook']);
    } finally {
      await running.stop();
    }
  });
});
