import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import express from 'express';
import { INTERNAL_SECRET_HEADER, secretsEqual } from '../auth/viewer.js';
import { httpGraphQLRequest, sendHTTPGraphQLResponse } from '../http/apollo-express.js';
import type { HttpDrain } from '../http/drain.js';
import { plainJsonLength, readJsonBody } from '../http/json-body.js';
import { nodeRequestContext, type RequestScope } from '../http/request-context.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import type { SubgraphContext } from './context.js';

/*
 * The gateway's calls, `POST /graphql` with the internal secret and a plain JSON body, answered
 * in front of Express: Express's application, router and layers, body-parser and the request
 * context's Express glue were about 8 % of a busy subgraph's CPU. This path does what the
 * Express chain does for such a call (drain check, request context, secret check, JSON body,
 * Apollo) with the same answers, log lines and metric labels; any other request, and any call
 * this path would have to refuse before reading its body, goes to the Express app unchanged,
 * which answers it as it always has.
 */

export interface GraphQLRouteOptions {
  apollo: ApolloServer<SubgraphContext>;
  drain: HttpDrain;
  internalSecret: string;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: ServiceMetrics;
  context: (req: IncomingMessage, scope: RequestScope) => Promise<SubgraphContext>;
  /** The Express app: every request this path does not take. */
  express: RequestListener;
}

export function graphqlRoute(options: GraphQLRouteOptions): RequestListener {
  const { apollo, drain, internalSecret, bodyLimitBytes, logger, metrics, express: app } = options;
  apollo.assertStarted('graphqlRoute()');
  // Express's final handler, for the errors Express would pass to it (a refused body, a throw).
  const failures = new WeakMap<IncomingMessage, unknown>();
  const finalHandler = express();
  finalHandler.disable('x-powered-by');
  finalHandler.use((req, _res, next) => next(failures.get(req)));
  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    failures.set(req, error ?? new Error('Rejected promise'));
    finalHandler(req, res);
  };

  return (req, res) => {
    const length =
      req.method === 'POST' &&
      req.url === '/graphql' &&
      !drain.active &&
      secretsEqual(req.headers[INTERNAL_SECRET_HEADER] as string | undefined, internalSecret)
        ? plainJsonLength(req, bodyLimitBytes)
        : undefined;
    if (length === undefined) return app(req, res);

    // Express strips the mount's path from req.url while a handler inside it answers, and puts it
    // back when an error is passed on: the route label and the warning's path follow suit.
    let pathAtFinish = '/';
    const scope = nodeRequestContext(req, res, logger, metrics, () => pathAtFinish);
    readJsonBody(req, length, (refused, body) => {
      if (refused) {
        pathAtFinish = '/graphql';
        fail(req, res, refused);
        return;
      }
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: httpGraphQLRequest(req, body),
          context: () => options.context(req, scope),
        })
        .then((response) => sendHTTPGraphQLResponse(req, res, response))
        .catch((error: unknown) => {
          pathAtFinish = '/graphql';
          fail(req, res, error);
        });
    });
  };
}
