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

/*
 * The headers of one subgraph call. RemoteGraphQLDataSource.process builds a node-fetch Headers
 * per call (its name and value checks, and the iteration sendRequest makes of it, were ~2.5 % of
 * the gateway's CPU on the list of 20): this keeps the same case-insensitive set/append/get and
 * iterates lower-case names as Headers does. undici still checks every name and value it sends.
 */
class CallHeaders implements Iterable<[string, string]> {
  private readonly values = new Map<string, string>();
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.values.get(key);
    this.values.set(key, before === undefined ? String(value) : `${before}, ${value}`);
  }
  set(name: string, value: string): void {
    this.values.set(name.toLowerCase(), String(value));
  }
  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.values.delete(name.toLowerCase());
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values.entries();
  }
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type Respond = (args: {
  response: unknown;
  request: unknown;
  context: GatewayContext;
  overallCachePolicy: unknown;
  pathInIncomingRequest: unknown;
}) => Promise<unknown>;

/*
 * RemoteGraphQLDataSource.process with the headers above: the same steps for the calls this
 * gateway makes (no automatic persisted queries to subgraphs; with them on, the original runs).
 */
Object.defineProperty(SubgraphDataSource.prototype, 'process', {
  async value(this: SubgraphDataSource, options: ProcessOptions) {
    if (this.apq) return RemoteGraphQLDataSource.prototype.process.call(this, options);
    const { request } = options;
    const context = options.context as GatewayContext;
    const headers = new CallHeaders();
    for (const [name, value] of request.http?.headers ?? []) headers.append(name, value);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url!, headers: headers as never };
    this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');
    const incoming = options.kind === INCOMING_OPERATION && 'incomingRequestContext' in options;
    const policy = incoming ? options.incomingRequestContext.overallCachePolicy : undefined;
    const response = await (
      this as unknown as { sendRequest: (r: unknown, c: GatewayContext) => Promise<unknown> }
    ).sendRequest(request, context);
    return (this as unknown as { respond: Respond }).respond({
      response,
      request,
      context,
      overallCachePolicy: this.honorSubgraphCacheControlHeader && policy && 'restrict' in policy ? policy : null,
      pathInIncomingRequest: incoming && 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined,
    });
  },
});

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
