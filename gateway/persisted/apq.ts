import type { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Manifest } from './allow-list.js';
import { sha256 } from './canonical.js';

/*
 * Apollo's automatic persisted queries, checked the same way over HTTP and over the WebSocket.
 * Apollo Server 5 sends its own refusals here without a code (a wrong sha, an unknown version),
 * so maskError would turn them into INTERNAL_SERVER_ERROR; they are refused before Apollo sees them.
 */

export interface PersistedOperation {
  query?: unknown;
  extensions?: { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null;
}

/** Apollo Server's own cache (`apollo.cache`), where it keeps APQ texts registered over HTTP. */
export type ApqCache = ApolloServer['cache'];

/** Where Apollo Server keeps APQ texts in its cache (its requestPipeline's APQ_CACHE_PREFIX). */
const APQ_PREFIX = 'apq:';

const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });

export const persistedQueryNotFound = () =>
  new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });

/**
 * A client error in the request's persisted-query extension, or undefined: an unsupported
 * version, or a text whose sha256 is not the hash sent with it (Apollo's own words).
 */
export function persistedQueryError(
  operation: PersistedOperation | undefined,
  { emptyIsHashOnly = false } = {},
): GraphQLError | undefined {
  const persisted = operation?.extensions?.persistedQuery;
  if (!persisted) return undefined;
  if (persisted.version !== 1) return badRequest('Unsupported persisted query version');
  const text = operation.query;
  if (typeof text === 'string' && !(emptyIsHashOnly && text === '') && sha256(text) !== persisted.sha256Hash)
    return badRequest('provided sha does not match query');
  return undefined;
}

/**
 * The text of an operation sent over the WebSocket: its own, or for a hash alone (`query`
 * missing, or empty since graphql-ws requires a string) the manifest's, else the one Apollo
 * registered in `cache` (over HTTP or this socket).
 */
export async function operationText(
  operation: PersistedOperation,
  manifest: Manifest,
  cache: ApqCache,
): Promise<string | GraphQLError> {
  const error = persistedQueryError(operation, { emptyIsHashOnly: true });
  if (error) return error;
  const text = typeof operation.query === 'string' ? operation.query : '';
  const hash = operation.extensions?.persistedQuery?.sha256Hash;
  if (text !== '' || typeof hash !== 'string') return text;
  if (Object.hasOwn(manifest, hash)) return manifest[hash]!;
  return (await cache.get(`${APQ_PREFIX}${hash}`)) ?? persistedQueryNotFound();
}

/** Registers a validated text sent with its hash over the WebSocket, as Apollo does over HTTP. */
export async function registerOperation(operation: PersistedOperation, text: string, cache: ApqCache) {
  const hash = operation.extensions?.persistedQuery?.sha256Hash;
  // As in Apollo, a failed registration fails nothing: the client sends the text again.
  if (typeof hash === 'string' && operation.query === text)
    await cache.set(`${APQ_PREFIX}${hash}`, text).catch(() => undefined);
}

/**
 * graphql-ws closes the socket (4400) on a subscribe message without a `query` string, so a
 * hash-only message gets an empty one while it is parsed (its reviver's last call, the whole
 * message); `operationText` then reads the empty text as "by hash".
 */
export function hashOnlySubscribe(message: unknown): unknown {
  if (typeof message !== 'object' || message === null) return message;
  const { type, payload } = message as { type?: unknown; payload?: PersistedOperation | null };
  if (
    type === 'subscribe' &&
    typeof payload === 'object' &&
    payload !== null &&
    payload.query === undefined &&
    typeof payload.extensions?.persistedQuery === 'object'
  )
    payload.query = '';
  return message;
}
