import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Codes clients may rely on; anything else is masked as INTERNAL_SERVER_ERROR. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes produced by graphql-js or Apollo itself that are safe to show as they are. */
const FRAMEWORK_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...FRAMEWORK_CODES]);

export class ClutchError extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = new.target.name;
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export class UnauthenticatedError extends ClutchError {
  constructor(message = 'Authentication required') {
    super(message, ErrorCode.UNAUTHENTICATED);
  }
}
export class ForbiddenError extends ClutchError {
  constructor(message = 'You are not allowed to do this') {
    super(message, ErrorCode.FORBIDDEN);
  }
}
export class BadUserInputError extends ClutchError {
  constructor(message: string, field?: string) {
    super(message, ErrorCode.BAD_USER_INPUT, field ? { field } : {});
  }
}
export class NotFoundError extends ClutchError {
  constructor(what: string) {
    super(`${what} not found`, ErrorCode.NOT_FOUND);
  }
}
/** The request clashes with the current state (a duplicate, or an object that was removed). */
export class ConflictError extends ClutchError {
  constructor(message: string) {
    super(message, ErrorCode.CONFLICT);
  }
}
export class RateLimitedError extends ClutchError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, ErrorCode.RATE_LIMITED, { retryAfterSeconds });
  }
}
export class ServiceUnavailableError extends ClutchError {
  /** With `retryAfterSeconds` when the server knows when to come back (an overload it refuses). */
  constructor(message = 'A backing service is unavailable; try again shortly', retryAfterSeconds?: number) {
    super(message, ErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
  }
}
/** A request refused before execution because it exceeds one of the gateway's limits. */
export class LimitError extends ClutchError {
  constructor(code: ErrorCode, message: string, limit: number) {
    super(message, code, { limit });
  }
}

/** A subscription refused because its socket already holds as many live ones as allowed. */
export class TooManySubscriptionsError extends ClutchError {
  constructor(limit: number) {
    super(
      `This connection already has ${limit} live subscriptions; complete one or open another connection`,
      ErrorCode.TOO_MANY_SUBSCRIPTIONS,
      { limit },
    );
  }
}

const DATABASE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current instanceof GraphQLError && current.originalError; i++) {
    current = current.originalError;
  }
  return current;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = rootCause(error);
  return cause instanceof Error && DATABASE_ERROR_NAMES.has(cause.name);
}

/** A service we call (a subgraph, say) refused the connection or did not answer in time. */
export function isUpstreamUnavailable(error: unknown): boolean {
  const cause = rootCause(error);
  // By shape, not `instanceof Error`: the timeout is a DOMException, which comes from another
  // realm when the code runs in a VM context (jest), and would then be masked as a server error.
  if (typeof cause !== 'object' || cause === null || typeof (cause as Error).name !== 'string') return false;
  return (
    (cause as Error).name === 'TimeoutError' ||
    (cause as Error).name === 'AbortError' ||
    ((cause as Error).name === 'TypeError' && String((cause as Error).message).startsWith('fetch failed'))
  );
}

/**
 * The one place that decides what a client sees of an error: our own errors and the
 * framework's request errors keep their message and code; database outages become
 * SERVICE_UNAVAILABLE; everything else is masked and reported to `onInternal`.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (error: unknown) => void,
): GraphQLFormattedError {
  const cause = rootCause(error);
  if (cause instanceof ClutchError) {
    return { ...formatted, message: cause.message, extensions: { ...cause.extensions } };
  }
  if (isDatabaseUnavailable(error) || isUpstreamUnavailable(error)) {
    return {
      message: new ServiceUnavailableError().message,
      path: formatted.path,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  onInternal(cause);
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
