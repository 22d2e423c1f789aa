import type { IncomingMessage } from 'node:http';

/*
 * The JSON body of a request, read as `express.json({ limit })` (body-parser 2) reads it, for the
 * requests whose headers leave it nothing to decide: `application/json` in utf-8, no content
 * encoding, a Content-Length within the limit. Everything else goes to the real parser. body-parser
 * and raw-body were about 3.5 % of a busy subgraph's CPU on these plain bodies (content-type and
 * type-is parsing the same header twice, iconv-lite, raw-body's bookkeeping).
 */

/** The Content-Type values read here; body-parser reads both as utf-8. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8']);
const DIGITS = /^\d{1,15}$/;

/**
 * The body's length when `readJsonBody` may read it exactly as `express.json({ limit })` would,
 * otherwise undefined (the caller leaves the request to Express).
 */
export function plainJsonLength(req: IncomingMessage, limit: number): number | undefined {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON.has(type)) return undefined;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !DIGITS.test(declared)) return undefined;
  const length = Number(declared);
  return length <= limit ? length : undefined;
}

/** An error with the properties http-errors gives body-parser's, which Express's final handler reads. */
export type BodyError = Error & { status: number; statusCode: number; expose: boolean; type?: string };

function asBodyError(error: Error, props: Record<string, unknown>): BodyError {
  return Object.assign(error, { expose: true, status: 400, statusCode: 400 }, props) as BodyError;
}

/**
 * Reads a body of `length` bytes (from `plainJsonLength`) and parses it as body-parser's strict JSON
 * parser does; `done` gets the value, or the error body-parser would pass on.
 */
export function readJsonBody(
  req: IncomingMessage,
  length: number,
  done: (error: BodyError | undefined, body?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (error: BodyError | undefined, body?: unknown) => {
    if (settled) return;
    settled = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('aborted', onAborted);
    req.removeListener('error', onError);
    done(error, body);
  };
  function onData(chunk: Buffer) {
    received += chunk.length;
    chunks.push(chunk);
  }
  function onEnd() {
    if (received !== length) {
      settle(
        named(
          'BadRequestError',
          asBodyError(new Error('request size did not match content length'), {
            expected: length,
            length,
            received,
            type: 'request.size.invalid',
          }),
        ),
      );
      return;
    }
    const text = decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    let body: unknown;
    try {
      body = parseStrict(text);
    } catch (error) {
      settle(asBodyError(error as Error, { body: text, type: 'entity.parse.failed' }));
      return;
    }
    settle(undefined, body);
  }
  function onAborted() {
    settle(
      named(
        'BadRequestError',
        asBodyError(new Error('request aborted'), {
          code: 'ECONNABORTED',
          expected: length,
          length,
          received,
          type: 'request.aborted',
        }),
      ),
    );
  }
  function onError(error: Error) {
    settle(asBodyError(error, {}));
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onAborted);
  req.on('error', onError);
}

function named<T extends Error>(name: string, error: T): T {
  error.name = name;
  return error;
}

/** iconv-lite's utf-8: Node's decoder, less a byte order mark. */
function decode(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/*
 * body-parser's strict parser, as its lib/types/json.js has it: an empty body is `{}`, anything
 * but an object or array is refused with the error JSON.parse gives at its first character.
 */

const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/; // eslint-disable-line no-control-regex

export function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  if (text[0] !== '{' && text[0] !== '[') {
    const first = firstNonWhitespace(text);
    if (first !== '{' && first !== '[') throw strictSyntaxError(text, first);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const syntax = error as SyntaxError;
    throw normalizeSyntaxError(syntax, syntax.message, syntax.stack ?? '');
  }
}

function firstNonWhitespace(text: string): string | undefined {
  const match = FIRST_NON_WHITESPACE.exec(text);
  return match && match[1] ? match[1] : undefined;
}

function strictSyntaxError(text: string, first: string | undefined): SyntaxError {
  const index = text.indexOf(first as string);
  const partial = index === -1 ? '' : text.substring(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    throw new SyntaxError('strict violation');
  } catch (error) {
    const syntax = error as SyntaxError;
    const message = syntax.message.replace(/#+/g, (placeholder) => text.substring(index, index + placeholder.length));
    return normalizeSyntaxError(syntax, message, syntax.stack ?? '');
  }
}

function normalizeSyntaxError(error: SyntaxError, message: string, stack: string): SyntaxError {
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key !== 'stack' && key !== 'message') delete (error as unknown as Record<string, unknown>)[key];
  }
  error.stack = stack.replace(error.message, message);
  error.message = message;
  return error;
}
