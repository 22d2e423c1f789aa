import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from 'mongodb';
import { InMemoryBroker } from '../../../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { createLogger } from '../../../platform/logger.js';
import { createWebhooks, type WebhookSettings } from './webhooks-module.js';

export const quietLogger = createLogger({
  service: 'webhooks-test',
  level: (process.env.WEBHOOK_TEST_LOG as 'silent') ?? 'silent',
});

export const TEST_WEBHOOK_SETTINGS: WebhookSettings = {
  allowLoopback: true,
  timeoutMs: 2_000,
  maxResponseBytes: 4_096,
  pollMs: 25,
  leaseMs: 5_000,
  concurrency: 16,
  baseMs: 20,
  maxMs: 200,
  disableAfter: 50,
  retryWindowMs: 60_000,
  rotationOverlapMs: 60_000,
  encryptionSecret: 'w'.repeat(32),
};

/** The webhooks module on `db` with an in-process bus, started. */
export async function testWebhooks(db: Db, settings: Partial<WebhookSettings> = {}, dispatched: unknown[] = []) {
  const bus = new InProcessEventBus(quietLogger, { broker: new InMemoryBroker({}) });
  const webhooks = await createWebhooks({
    db,
    bus,
    logger: quietLogger,
    settings: { ...TEST_WEBHOOK_SETTINGS, ...settings },
    dispatcher: { dispatch: async (request) => (dispatched.push(request), []) },
  });
  await webhooks.start();
  return Object.assign(webhooks, {
    bus,
    async close() {
      await webhooks.stop();
      await bus.close();
    },
  });
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A local receiver on 127.0.0.1: `respond` decides each answer's status (200 by default) and
 * every request is kept, answered or not.
 */
export async function startReceiver(respond: (n: number, r: Omit<Received, 'status'>) => number = () => 200) {
  const received: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const status = respond(++n, request);
      received.push({ ...request, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition') {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
