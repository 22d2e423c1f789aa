import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type ContextFunction,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';

/*
 * Apollo Server on Express, as @as-integrations/express5 does it, without the per-request work
 * a GraphQL POST never needs: its `url.parse` of the whole URL for the query string, and
 * Express's `res.send`, which hashes every body for an ETag and checks freshness against it.
 * A profile of the gateway under load had those at about 4% of its CPU.
 */

export interface ApolloExpressOptions<TContext extends BaseContext> {
  context: ContextFunction<[{ req: Request; res: Response }], TContext>;
}

export function apolloExpress<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  options: ApolloExpressOptions<TContext>,
): RequestHandler {
  server.assertStarted('apolloExpress()');
  return async (req, res) => {
    if (!('body' in req)) {
      res.status(500).end('`req.body` is not set: the json middleware must come first');
      return;
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: httpGraphQLRequest(req, req.body as unknown),
      context: () => options.context({ req, res }),
    });
    await sendHTTPGraphQLResponse(req, res, response);
  };
}

/** Apollo's view of a node:http request whose body has been parsed. */
export function httpGraphQLRequest(req: IncomingMessage, body: unknown): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url!;
  const query = url.indexOf('?');
  return {
    method: req.method!.toUpperCase(),
    headers,
    search: query === -1 ? '' : url.slice(query).split('#', 1)[0]!,
    body,
  };
}

/** Writes Apollo's answer: its headers and status, then the body whole or as it streams. */
export async function sendHTTPGraphQLResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: HTTPGraphQLResponse,
): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(req.method === 'HEAD' ? undefined : response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) {
    res.write(chunk);
    (res as ServerResponse & { flush?: () => void }).flush?.();
  }
  res.end();
}
