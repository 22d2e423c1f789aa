import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { smsRequestSchema } from './sms-provider.js';

export interface FakeSms {
  id: string;
  to: string;
  body: string;
  idempotencyKey: string;
  at: string;
}

/**
 * A local SMS provider for development and tests, speaking HttpSmsProvider's protocol:
 * `POST /messages` stores the message (once per idempotency key), `GET /messages` lists the last
 * ones (newest last), `DELETE /messages` clears them. `failNext(n)` / `down()` simulate an outage
 * (503) for the outage and retry tests. It listens on loopback only.
 */
export class FakeSmsServer {
  readonly messages: FakeSms[] = [];
  private readonly byKey = new Map<string, FakeSms>();
  private failures = 0;
  private isDown = false;
  private server: Server | undefined;
  /** Every POST seen, failed ones included. */
  attempts = 0;

  constructor(
    private readonly options: { token?: string; keep?: number; onMessage?: (message: FakeSms) => void } = {},
  ) {}

  failNext(count: number): void {
    this.failures = count;
  }

  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/messages') return { status: 404, body: { error: 'not found' } };
    if (req.method === 'GET') return { status: 200, body: { messages: this.messages } };
    if (req.method === 'DELETE') {
      this.messages.length = 0;
      this.byKey.clear();
      return { status: 200, body: {} };
    }
    if (req.method !== 'POST') return { status: 405, body: { error: 'method not allowed' } };
    this.attempts += 1;
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`)
      return { status: 401, body: { error: 'bad token' } };
    if (this.isDown) return { status: 503, body: { error: 'down' } };
    if (this.failures > 0) {
      this.failures -= 1;
      return { status: 503, body: { error: 'temporarily failing' } };
    }
    const parsed = smsRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) return { status: 400, body: { error: parsed.error.issues[0]?.message ?? 'invalid' } };
    const known = this.byKey.get(parsed.data.idempotencyKey);
    if (known) return { status: 200, body: { id: known.id } };
    const message: FakeSms = {
      id: `sms_${this.messages.length + 1}_${Date.now()}`,
      ...parsed.data,
      at: new Date().toISOString(),
    };
    this.messages.push(message);
    this.byKey.set(message.idempotencyKey, message);
    this.options.onMessage?.(message);
    const keep = this.options.keep ?? 1000;
    if (this.messages.length > keep) this.messages.splice(0, this.messages.length - keep);
    return { status: 201, body: { id: message.id } };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
