import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { INTERNAL_SECRET_HEADER, VIEWER_HEADER } from '../../../platform/auth/viewer.js';
import { peerEnv, supergraphAt, viewerHeaderOf } from './peer-env.js';

/*
 * Hive Gateway with its default settings, from its programmatic API, on our supergraph: the
 * only addition is the trust headers our subgraphs expect (propagateHeaders).
 */
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
