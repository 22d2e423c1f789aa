import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server speaking just enough of the OpenAI chat completions API and the
 * Anthropic messages API for the real SDKs to talk to it through `baseURL`.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAiServer {
  /** Base URL for the OpenAI SDK (it appends /chat/completions). */
  openAiBaseURL: string;
  /** Base URL for the Anthropic SDK (it appends /v1/messages). */
  anthropicBaseURL: string;
  requests: RecordedRequest[];
  /** Replies used in order before the default handler takes over. */
  enqueue(...replies: FakeReply[]): void;
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

export async function startFakeAiServer(handler: FakeHandler): Promise<FakeAiServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let current = handler;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text; a test asserting on it will say what arrived
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      Promise.resolve(queue.length ? queue.shift()! : current(recorded)).then(
        (reply) => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
        },
        (error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    openAiBaseURL: `${origin}/v1`,
    anthropicBaseURL: origin,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setHandler: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sequence = 0;

export function openAiCompletion(
  content: unknown,
  { model = 'gpt-4.1', promptTokens = 1000, completionTokens = 500 } = {},
): FakeReply {
  return {
    status: 200,
    body: {
      id: `chatcmpl-${++sequence}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: typeof content === 'string' ? content : JSON.stringify(content),
            refusal: null,
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}

export function openAiError(status: number, message: string, headers?: Record<string, string>): FakeReply {
  const type = status === 401 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : 'server_error';
  return { status, body: { error: { message, type, param: null, code: null } }, headers };
}

export function anthropicToolUse(
  input: unknown,
  { model = 'claude-sonnet-4-6', inputTokens = 1000, outputTokens = 500, name = 'agent_decision' } = {},
): FakeReply {
  return {
    status: 200,
    body: {
      id: `msg_${++sequence}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'tool_use', id: `toolu_${sequence}`, name, input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    },
  };
}

export function anthropicText(text: string): FakeReply {
  return {
    status: 200,
    body: {
      id: `msg_${++sequence}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 20 },
    },
  };
}

export function anthropicError(status: number, message: string): FakeReply {
  const type = status === 401 ? 'authentication_error' : status === 529 ? 'overloaded_error' : 'api_error';
  return { status, body: { type: 'error', error: { type, message } } };
}

/** The models list both APIs answer on GET .../models (what the router's provider check asks). */
export function modelList(ids: string[]): FakeReply {
  return {
    status: 200,
    body: {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', type: 'model', created: 1_700_000_000, owned_by: 'fake' })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    },
  };
}

/** A handler that answers model listings with `models` and everything else with `otherwise`. */
export const withModels =
  (models: string[], otherwise: FakeHandler): FakeHandler =>
  (request) =>
    request.method === 'GET' && /\/models(\?|$)/.test(request.path) ? modelList(models) : otherwise(request);
