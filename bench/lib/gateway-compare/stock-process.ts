import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { INTERNAL_SECRET_HEADER, VIEWER_HEADER } from '../../../platform/auth/viewer.js';
import { peerEnv, viewerHeaderOf } from './peer-env.js';

/*
 * Stock @apollo/gateway on @apollo/server's standalone server, as its documentation sets it
 * up, with the trust headers our subgraphs expect added in willSendRequest.
 */
interface Context {
  viewer?: string;
}
const env = peerEnv();
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(env.supergraphPath, 'utf8'),
  buildService: ({ url, name }) =>
    new (class extends RemoteGraphQLDataSource<Context> {
      override willSendRequest({ request, context }: { request: any; context: Context }) {
        request.http.headers.set(INTERNAL_SECRET_HEADER, env.internalSecret);
        if (context.viewer) request.http.headers.set(VIEWER_HEADER, context.viewer);
      }
    })({ url: env.subgraphUrls[name] ?? url }),
});
const server = new ApolloServer<Context>({ gateway });
await startStandaloneServer(server, {
  listen: { port: env.port, host: '127.0.0.1' },
  context: async ({ req }) => ({ viewer: viewerHeaderOf(env.jwtSecret, req.headers.authorization) }),
});
process.send?.('ready');
process.on('disconnect', () => process.exit(0));
