import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  CLIENT_IP_HEADER,
  INTERNAL_SECRET_HEADER,
  REQUEST_ID_HEADER,
  VIEWER_HEADER,
  encodeViewer,
} from '../platform/auth/viewer.js';
import type { GatewayContext } from './context.js';

export interface SubgraphFetchOptions {
  internalSecret: string;
  /** Each subgraph call is abandoned after this long (SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
}

/** Keep-alive connections to every subgraph, shared by all requests of this gateway. */
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 128 });

function fetcherWithTimeout(timeoutMs: number) {
  return ((url: string, init: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as never)) as never;
}

/** Forwards who the caller is, the request id and the internal secret to a subgraph. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly forward: SubgraphFetchOptions,
  ) {
    super({ url, fetcher: fetcherWithTimeout(forward.timeoutMs) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http!.headers;
    headers.set(INTERNAL_SECRET_HEADER, this.forward.internalSecret);
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context?.clientIp) headers.set(CLIENT_IP_HEADER, context.clientIp);
    if (context?.viewer) headers.set(VIEWER_HEADER, encodeViewer(context.viewer));
  }
}
