/**
 * The few GraphQL calls a dongle and a setup script make, over plain fetch: operations go in one
 * HTTP request (an array when several, which the gateway accepts up to GRAPHQL_MAX_BATCH).
 */
export interface GraphQLOperation {
  query: string;
  variables: Record<string, unknown>;
}

export interface GraphQLErrorShape {
  message: string;
  extensions?: {
    code?: string;
    retryAfterSeconds?: number;
    field?: string;
    /** Set by this client on the error it stands in for a request that got no answer. */
    transport?: boolean;
    [key: string]: unknown;
  };
}

export interface GraphQLResult<T = unknown> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

/**
 * The request as a whole failed: no answer per operation. `code` is NETWORK, TIMEOUT,
 * HTTP_<status>, BAD_RESPONSE, or ABANDONED when the caller gave up on it.
 */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export const REQUEST_TIMEOUT_MS = 15_000;

/** A token as its header: a B2B API key (`ck_…`) goes in x-api-key, anything else as a bearer token. */
const authorization = (token: string | undefined): Record<string, string> =>
  !token ? {} : token.startsWith('ck_') ? { 'x-api-key': token } : { authorization: `Bearer ${token}` };

/** How long the server asked to wait: the Retry-After header (seconds), else the body's retryAfterSeconds. */
function retryAfterMs(header: string | null, body: string): number {
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  try {
    const parsed = JSON.parse(body) as { errors?: GraphQLErrorShape[] } | GraphQLErrorShape[];
    const errors = Array.isArray(parsed) ? parsed : (parsed.errors ?? []);
    const asked = Math.max(0, ...errors.map((e) => Number(e.extensions?.retryAfterSeconds) || 0));
    return asked * 1000;
  } catch {
    return 0;
  }
}

export async function postOperations(
  url: string,
  operations: readonly GraphQLOperation[],
  token?: string,
  signal?: AbortSignal,
): Promise<GraphQLResult[]> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization(token) },
      body: JSON.stringify(operations.length === 1 ? operations[0] : operations),
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
        : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw new TransportError('ABANDONED', `${url}: given up while in flight`, false);
    const timeout = (error as Error).name === 'TimeoutError';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new TransportError(timeout ? 'TIMEOUT' : 'NETWORK', `${url}: ${why}`, true);
  }

  if (response.status >= 500 || response.status === 429) {
    throw new TransportError(
      `HTTP_${response.status}`,
      `${url} answered ${response.status}: ${text.slice(0, 200)}`,
      true,
      retryAfterMs(response.headers.get('retry-after'), text),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new TransportError(
      'BAD_RESPONSE',
      `${url} answered ${response.status} with no JSON: ${text.slice(0, 200)}`,
      false,
    );
  }
  if (Array.isArray(body) && body.length === operations.length) return body as GraphQLResult[];
  // Refused before execution (a limit, bad credentials): one error body stands for every operation.
  const single = body as GraphQLResult;
  if (!Array.isArray(body) && (operations.length === 1 || single.errors)) return operations.map(() => single);
  throw new TransportError('BAD_RESPONSE', `${url} answered ${response.status} with an unexpected body`, false);
}

export const errorCode = (error: GraphQLErrorShape) => error.extensions?.code ?? 'UNKNOWN';
