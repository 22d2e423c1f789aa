import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import {
  CLIENT_IP_HEADER,
  INTERNAL_SECRET_HEADER,
  REQUEST_ID_HEADER,
  VIEWER_HEADER,
  encodeViewer,
  type Viewer,
} from '../platform/auth/viewer.js';
import type { GatewayContext } from './context.js';
import { SHAREABLE_HEADER, SubgraphFetcher } from './subgraph-fetch.js';

export interface SubgraphFetchOptions {
  internalSecret: string;
  /** Each subgraph call is abandoned after this long (SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Identical in-flight queries of one viewer go out once (GATEWAY_DEDUPLICATE_FETCHES). */
  deduplicate?: boolean;
}

/** GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is a type only in the package's exports). */
const INCOMING_OPERATION = 'incoming operation' as GraphQLDataSourceProcessOptions['kind'];

/** A query's fetch, not a mutation's (the planner starts every subgraph operation with its type, or `{`). */
const QUERY_TEXT = /^\s*(query\b|\{)/;

/** Encoding a viewer is JSON plus base64 on every subgraph call; a viewer object lives for one request. */
const encoded = new WeakMap<Viewer, string>();
const encodedViewer = (viewer: Viewer) => {
  let value = encoded.get(viewer);
  if (value === undefined) encoded.set(viewer, (value = encodeViewer(viewer)));
  return value;
};

/** Forwards who the caller is, the request id and the internal secret to a subgraph. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly subgraphFetcher: SubgraphFetcher;

  constructor(
    url: string,
    private readonly forward: SubgraphFetchOptions,
  ) {
    const subgraphFetcher = new SubgraphFetcher({ timeoutMs: forward.timeoutMs, viewerHeader: VIEWER_HEADER });
    super({ url, fetcher: subgraphFetcher.fetch as never });
    this.subgraphFetcher = subgraphFetcher;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request, context } = options;
    const headers = request.http!.headers;
    headers.set(INTERNAL_SECRET_HEADER, this.forward.internalSecret);
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context?.clientIp) headers.set(CLIENT_IP_HEADER, context.clientIp);
    if (context?.viewer) headers.set(VIEWER_HEADER, encodedViewer(context.viewer));
    // Only a client's query: never a mutation's fetches (its reads after the write included).
    if (
      this.forward.deduplicate !== false &&
      options.kind === INCOMING_OPERATION &&
      'incomingRequestContext' in options &&
      options.incomingRequestContext.operation?.operation === 'query' &&
      QUERY_TEXT.test(request.query ?? '')
    )
      headers.set(SHAREABLE_HEADER, '1');
  }
}

interface SendableRequest {
  http?: { method: string; url: string; headers: Iterable<[string, string]> };
  [field: string]: unknown;
}

/*
 * RemoteGraphQLDataSource.sendRequest (private in its types) builds a node-fetch Request per call
 * only to hand it to error hooks this class does not override: its URL parsing was ~4 % of the
 * gateway's busy CPU under a `me` load. The same steps without it.
 */
Object.defineProperty(SubgraphDataSource.prototype, 'sendRequest', {
  async value(this: SubgraphDataSource, request: SendableRequest, context: GatewayContext) {
    const { http, ...rest } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const init = { method: http.method, headers: Object.fromEntries(http.headers), body: JSON.stringify(rest) };
    let response: Awaited<ReturnType<SubgraphDataSource['fetcher']>> | undefined;
    try {
      response = await this.fetcher(http.url, init);
      if (!response.ok) throw await this.errorFromResponse(response);
      const body = await this.parseBody(response, undefined, context);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new Error(`Expected JSON response body, but received: ${String(body)}`);
      return { ...body, http: response };
    } catch (error) {
      this.didEncounterError(error as Error, undefined as never, response as never, context, request as never);
      throw error;
    }
  },
});
