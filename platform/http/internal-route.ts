import type { Router } from 'express';
import type { z } from 'zod';
import { INTERNAL_SECRET_HEADER } from '../auth/viewer.js';

/**
 * A service-to-service route (behind the internal secret), declared once in its owner's
 * contract: the owner serves it with `serveInternalRoute`, callers call it with an
 * `InternalClient`, and both sides hold to the same request and response schemas.
 */
export interface InternalRoute<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  path: `/internal/${string}`;
  /** The body (POST); a GET route takes none and declares an empty object. */
  request: Req;
  response: Res;
  /** Statuses besides 200 whose body is an answer of the contract (a refused credential's 401). */
  answers?: readonly number[];
}

export type RequestOf<R extends InternalRoute> = z.input<R['request']>;
export type ResponseOf<R extends InternalRoute> = z.output<R['response']>;

export const internalRoute = <Req extends z.ZodType, Res extends z.ZodType>(route: InternalRoute<Req, Res>) => route;

/** An answer with a status other than 200: one of the route's `answers`, or a refusal. */
export class InternalReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid request';
};

/**
 * Serves `route` on the internal router: the body is parsed with the route's request schema
 * (400 `{ error }` when it breaks it, unless `invalid` answers otherwise) and the handler's
 * answer is typed by the response schema.
 */
export function serveInternalRoute<R extends InternalRoute>(
  router: Router,
  route: R,
  handle: (request: z.output<R['request']>) => Promise<z.input<R['response']> | InternalReply>,
  options: { invalid?: (error: z.ZodError) => InternalReply } = {},
): void {
  const method = route.method === 'GET' ? 'get' : 'post';
  router[method](route.path, async (req, res, next) => {
    try {
      const parsed = route.request.safeParse(route.method === 'GET' ? {} : (req.body ?? {}));
      const answer = parsed.success
        ? await handle(parsed.data as z.output<R['request']>)
        : (options.invalid?.(parsed.error) ?? new InternalReply(400, { error: firstIssue(parsed.error) }));
      if (answer instanceof InternalReply) res.status(answer.status).json(answer.body);
      else res.json(answer);
    } catch (error) {
      next(error);
    }
  });
}

/**
 * Why a call failed: the owner could not be reached or timed out (`unreachable`), failed
 * (`failed`: 5xx), refused the call (`refused`: another status, such as 403 for a wrong secret
 * or 400 for a request that breaks the contract), or answered what the contract does not allow
 * (`malformed`).
 */
export type InternalCallFailure = 'unreachable' | 'failed' | 'refused' | 'malformed';

export class InternalCallError extends Error {
  constructor(
    readonly path: string,
    readonly failure: InternalCallFailure,
    readonly status: number | null,
    detail: string,
  ) {
    super(`internal call ${path}: ${failure}${status === null ? '' : ` (HTTP ${status})`}: ${detail}`);
    this.name = 'InternalCallError';
  }
}

export interface InternalClientOptions {
  /** Any URL of the owning service (its /graphql URL, say): only its origin is used. */
  url: string;
  internalSecret: string;
  /** How long a call may take (5 s by default). */
  timeoutMs?: number;
}

/**
 * Calls another service's internal routes. The request is checked against the route's schema
 * before it leaves; the answer is parsed with the response schema, never cast. Every failure is
 * an `InternalCallError`; the caller decides what it means for its own callers.
 */
export class InternalClient {
  private readonly origin: string;

  constructor(private readonly options: InternalClientOptions) {
    this.origin = new URL(options.url).origin;
  }

  async call<R extends InternalRoute>(
    route: R,
    request: RequestOf<R>,
    { timeoutMs }: { timeoutMs?: number } = {},
  ): Promise<ResponseOf<R>> {
    const checked = route.request.safeParse(request);
    if (!checked.success) throw new InternalCallError(route.path, 'refused', null, firstIssue(checked.error));
    let response: Response;
    try {
      response = await fetch(`${this.origin}${route.path}`, {
        method: route.method,
        headers: {
          [INTERNAL_SECRET_HEADER]: this.options.internalSecret,
          ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        body: route.method === 'POST' ? JSON.stringify(checked.data) : undefined,
        signal: AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new InternalCallError(route.path, 'unreachable', null, (error as Error).message);
    }
    const { status } = response;
    if (status >= 500) throw new InternalCallError(route.path, 'failed', status, await textOf(response));
    if (!response.ok && !route.answers?.includes(status)) {
      throw new InternalCallError(route.path, 'refused', status, await textOf(response));
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new InternalCallError(route.path, 'malformed', status, 'not JSON');
    }
    const parsed = route.response.safeParse(body);
    if (!parsed.success) throw new InternalCallError(route.path, 'malformed', status, firstIssue(parsed.error));
    return parsed.data as ResponseOf<R>;
  }
}

/** The owner could not be reached or failed (5xx): an outage, for the caller's caller to retry. */
export const isOutage = (error: unknown): error is InternalCallError =>
  error instanceof InternalCallError && (error.failure === 'unreachable' || error.failure === 'failed');

type Calls = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * `client` with every call's outage (`isOutage`) thrown as `outage()` instead, such as a
 * SERVICE_UNAVAILABLE for the caller's own callers; a refusal or an answer outside the contract
 * is a contract break and stays an InternalCallError.
 */
export function withOutage<C extends Calls>(client: C, outage: () => Error): C {
  const wrapped = Object.entries(client).map(([name, call]) => [
    name,
    async (...args: never[]) => {
      try {
        return await call(...args);
      } catch (error) {
        throw isOutage(error) ? outage() : error;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as C;
}

const textOf = (response: Response) =>
  response.text().then(
    (t) => t.slice(0, 200),
    () => '',
  );
