import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { INTERNAL_SECRET_HEADER, VIEWER_HEADER } from '../../../platform/auth/viewer.js';
import { peerEnv, supergraphAt, viewerHeaderOf } from './peer-env.js';

/*
 * Hive Gateway with its default settings, from its programmatic API, on our supergraph: the
 * only addition is the trust headers our subgraphs expect (propagateHeaders).
 */
/*
 * Loaded by a name the type checker cannot follow: Hive's types augment graphql's
 * GraphQLErrorExtensions (`http.headers` as a plain record) for the whole program, which
 * would make the gateway's own Apollo HeaderMap refusals fail to type-check.
 */
const hivePackage: string = '@graphql-hive/gateway';
interface HiveRequest {
  request: { headers: { get(name: string): string | null } };
}
const { createGatewayRuntime } = (await import(hivePackage)) as {
  createGatewayRuntime(options: {
    supergraph: string;
    logging: string;
    propagateHeaders: { fromClientToSubgraphs(input: HiveRequest): Record<string, string> };
  }): Parameters<typeof createServer>[1];
};
const env = peerEnv();
const supergraph = supergraphAt(readFileSync(env.supergraphPath, 'utf8'), env.subgraphUrls);
const gateway = createGatewayRuntime({
  supergraph,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const viewer = viewerHeaderOf(env.jwtSecret, request.headers.get('authorization'));
      return { [INTERNAL_SECRET_HEADER]: env.internalSecret, ...(viewer ? { [VIEWER_HEADER]: viewer } : {}) };
    },
  },
});
const server = createServer(gateway);
server.listen(env.port, '127.0.0.1', () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
