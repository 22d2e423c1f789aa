import { Agent, type Dispatcher } from 'undici';

/*
 * How the gateway calls its subgraphs: undici's request API on a shared keep-alive pool,
 * answering with the small part of a fetch Response that @apollo/gateway's data source reads
 * (status, content-type, the body once). The profile of a `me` load had undici's WHATWG fetch
 * (its streams and Response) and node-fetch's per-call Request at ~8 % of the gateway's CPU.
 *
 * Identical in-flight queries are sent once: same subgraph URL, same body, same forwarded
 * viewer. Only fetches the data source marks as shareable (a query's, never a mutation's) are
 * candidates. Every waiter gets its own Response over the same text, so no parsed object is
 * shared between requests, and a failure (timeout, refused connection) is every waiter's.
 */

/** Set by the data source on a fetch that may be shared; never sent to the subgraph. */
export const SHAREABLE_HEADER = 'x-clutch-gateway-shareable';

export interface SubgraphFetchSettings {
  timeoutMs: number;
  /** The header carrying the forwarded viewer: part of the sharing key. */
  viewerHeader: string;
  /** In-flight shared fetches at most; past it, new ones are sent alone (default 10,000). */
  maxInFlight?: number;
  dispatcher?: Dispatcher;
}

interface Answer {
  status: number;
  statusText: string;
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

export interface LightResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

function responseOf(url: string, answer: Answer): LightResponse {
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: answer.statusText,
    url,
    headers: {
      get(name: string) {
        const lower = name.toLowerCase();
        if (lower === 'content-type') return answer.contentType ?? null;
        if (lower === 'cache-control') return answer.cacheControl ?? null;
        return null;
      },
    },
    text: async () => answer.text,
    json: async () => JSON.parse(answer.text) as unknown,
  };
}

/** What AbortSignal.timeout aborts with, so that errors.ts sees the same timeout. */
const timeoutError = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

export const sharedAgent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 128 });

export class SubgraphFetcher {
  private readonly inFlight = new Map<string, Promise<Answer>>();
  private readonly maxInFlight: number;
  private readonly dispatcher: Dispatcher;
  /** Fetches answered by another request's call (for tests and metrics). */
  shared = 0;

  constructor(private readonly settings: SubgraphFetchSettings) {
    this.maxInFlight = settings.maxInFlight ?? 10_000;
    this.dispatcher = settings.dispatcher ?? sharedAgent;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** The fetcher @apollo/gateway's RemoteGraphQLDataSource calls. */
  readonly fetch = async (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<LightResponse> => {
    // A copy without the marker (deleting it from a copy would turn the object into a slow dictionary).
    const headers: Record<string, string> = {};
    let shareable = false;
    const given = init.headers ?? {};
    for (const name of Object.keys(given)) {
      if (name === SHAREABLE_HEADER) shareable = given[name] === '1';
      else headers[name] = given[name]!;
    }
    const body = init.body ?? '';
    if (!shareable) return responseOf(url, await this.send(url, init.method ?? 'POST', headers, body));
    const key = `${url}\n${headers[this.settings.viewerHeader] ?? ''}\n${body}`;
    let answer = this.inFlight.get(key);
    if (answer) this.shared++;
    else {
      answer = this.send(url, init.method ?? 'POST', headers, body);
      if (this.inFlight.size < this.maxInFlight) {
        this.inFlight.set(key, answer);
        const forget = () => {
          if (this.inFlight.get(key) === answer) this.inFlight.delete(key);
        };
        answer.then(forget, forget);
      }
    }
    return responseOf(url, await answer);
  };

  private target?: { url: string; origin: string; path: string };

  private send(url: string, method: string, headers: Record<string, string>, body: string): Promise<Answer> {
    if (this.target?.url !== url) {
      const parsed = new URL(url);
      this.target = { url, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    }
    return new Promise<Answer>((resolve, reject) => {
      const call = new Call(resolve, reject);
      // AbortSignal.timeout's timer would fire timeoutMs after every call, long answered, and build
      // a DOMException each time; this one is cleared once the answer is read.
      call.timer = setTimeout(() => call.timeOut(), this.settings.timeoutMs).unref();
      this.dispatcher.dispatch(
        {
          origin: this.target!.origin,
          path: this.target!.path,
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
        },
        call,
      );
    });
  }
}

/*
 * One subgraph call as an undici dispatch handler. undici's request API wraps each call in an
 * AsyncResource, a Readable body stream consumed through its text() and an abort-signal listener
 * (about 3 % of the gateway's busy CPU on the list of 20, profile under bench:gateway --compare);
 * this keeps the chunks and decodes them once as text() does (UTF-8, a leading BOM skipped), and
 * reports failures as before: a timeout as AbortSignal.timeout's error, anything else as fetch's
 * TypeError('fetch failed') with the cause.
 */
class Call implements Dispatcher.DispatchHandler {
  timer: NodeJS.Timeout | undefined;
  private abort: ((reason: Error) => void) | undefined;
  private reason: Error | undefined;
  private settled = false;
  private status = 0;
  private contentType: string | undefined;
  private cacheControl: string | undefined;
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  timeOut(): void {
    if (this.settled || this.reason) return;
    this.reason = timeoutError();
    this.abort?.(this.reason);
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.reason) abort(this.reason);
    else this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    this.status = statusCode;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      // Only content-type (12) and cache-control (13) are read; repeated ones joined as before.
      if (name.length !== 12 && name.length !== 13) continue;
      const lower = name.toString('latin1').toLowerCase();
      if (lower === 'content-type') this.contentType = joined(this.contentType, rawHeaders[i + 1]!);
      else if (lower === 'cache-control') this.cacheControl = joined(this.cacheControl, rawHeaders[i + 1]!);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const { chunks } = this;
    const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.length);
    const bom = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
    this.resolve({
      status: this.status,
      statusText: STATUS_TEXT[this.status] ?? '',
      contentType: this.contentType,
      cacheControl: this.cacheControl,
      text: buffer.toString('utf8', bom ? 3 : 0),
    });
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    // As fetch reports them, which is how errors.ts tells an unavailable subgraph apart.
    this.reject(this.reason ?? new TypeError('fetch failed', { cause: error }));
  }
}

const joined = (before: string | undefined, value: Buffer) =>
  before === undefined ? value.toString('latin1') : `${before}, ${value.toString('latin1')}`;
