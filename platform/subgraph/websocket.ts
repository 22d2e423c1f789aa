import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { decodeViewer, secretsEqual } from '../auth/viewer.js';
import { closeWebSocketServer, errorMaskingHooks } from '../http/graphql-ws.js';
import type { Logger } from '../logger.js';
import type { SubgraphContext } from './context.js';

/**
 * What the gateway sends in `connection_init` when it opens a subscription to a subgraph:
 * the same internal secret, caller and request id that ride on HTTP headers for queries.
 */
export interface InternalConnectionParams {
  internalSecret: string;
  viewer?: string;
  requestId?: string;
}

export interface SubgraphSubscriptionOptions {
  schema: GraphQLSchema;
  internalSecret: string;
  logger: Logger;
  /** Per-subscription context, built the same way as for HTTP requests. */
  createContext: (base: SubgraphContext) => SubgraphContext;
  keepAliveMs?: number;
}

/** graphql-ws on the subgraph's /graphql: only the gateway (holding the secret) may connect. */
export function serveSubgraphSubscriptions(server: Server, options: SubgraphSubscriptionOptions) {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024 });
  const disposable = useServer<Record<string, unknown>>(
    {
      schema: options.schema,
      isProd: true,
      onConnect: ({ connectionParams }) => {
        const ok = secretsEqual(
          typeof connectionParams?.internalSecret === 'string' ? connectionParams.internalSecret : undefined,
          options.internalSecret,
        );
        if (!ok) options.logger.warn('refused a subscription connection without the internal secret');
        return ok;
      },
      context: ({ connectionParams }) => {
        const params = (connectionParams ?? {}) as Partial<InternalConnectionParams>;
        const requestId = typeof params.requestId === 'string' ? params.requestId : 'ws';
        return options.createContext({
          viewer: decodeViewer(typeof params.viewer === 'string' ? params.viewer : undefined),
          requestId,
          logger: options.logger.child({ reqId: requestId }),
        });
      },
      ...errorMaskingHooks(options.logger),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );
  return { close: () => closeWebSocketServer(disposable, wss) };
}
