/** The one error shape the router sees, whichever SDK raised it. */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined for connection errors and timeouts. */
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

type HeaderBag = { get(name: string): string | null } | Record<string, string | undefined> | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  return (headers as Record<string, string | undefined>)[name];
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: HeaderBag, now: number): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = header(headers, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Both SDKs raise an `APIError` with `status` and `headers` (status undefined for
 * connection failures); read those by shape so the router depends on neither SDK. The
 * API key is scrubbed from the message in case a provider echoes it back.
 */
export function normaliseSdkError(error: unknown, now: number, apiKey: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = (error ?? {}) as { status?: unknown; headers?: HeaderBag; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const raw = typeof e.message === 'string' && e.message ? e.message : String(error);
  const message = (apiKey ? raw.split(apiKey).join('[redacted]') : raw).slice(0, 500);
  return new ProviderError(message, status, status === undefined ? undefined : retryAfterMs(e.headers, now));
}
