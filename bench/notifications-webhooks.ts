import './lib/production-mode.js';
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import { InMemoryBroker } from '../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../platform/events/in-process.js';
import { createLogger } from '../platform/logger.js';
import { TEST_WEBHOOK_SETTINGS } from '../subgraphs/notifications/webhooks/testing.js';
import { createWebhooks } from '../subgraphs/notifications/webhooks/webhooks-module.js';
import { startBenchDatabase } from './lib/bench-database.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';

/**
 * B2B webhooks (part of bench:notifications; alone: `tsx bench/notifications-webhooks.ts`):
 * 1. deliveries per second to a local receiver that verifies nothing and answers 200 at once:
 *    N events for one org's endpoint, from `publish` (fan-out, store, claim) to the last 2xx;
 * 2. the same with a receiver that fails every other request (500): none may be lost (every
 *    event's webhook-id answered 200 at least once, every delivery SENT) and the time until all
 *    are delivered, with retries at a short backoff. A sample of the signatures is checked with
 *    the standardwebhooks library on the receiver.
 */
export interface WebhookBenchReport {
  events: number;
  healthy: { seconds: number; perSecond: number; requests: number; lost: number };
  halfFailing: { seconds: number; perSecond: number; requests: number; failedRequests: number; lost: number };
  signaturesChecked: number;
  badSignatures: number;
}

const quiet = createLogger({ service: 'bench-webhooks', level: 'silent' });

async function receiver(failEveryOther: boolean, secret: () => string) {
  const delivered = new Set<string>();
  let requests = 0;
  let failed = 0;
  let checked = 0;
  let bad = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++requests;
      const id = String(req.headers['webhook-id']);
      if (n % 50 === 0) {
        checked++;
        try {
          new Webhook(secret()).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
        } catch {
          bad++;
        }
      }
      if (failEveryOther && n % 2 === 0) {
        failed++;
        res.writeHead(500).end();
        return;
      }
      delivered.add(id);
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    delivered,
    stats: () => ({ requests, failed, checked, bad }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function run(db: Db, events: number, failEveryOther: boolean) {
  const bus = new InProcessEventBus(quiet, { broker: new InMemoryBroker({}) });
  const webhooks = await createWebhooks({
    db,
    bus,
    logger: quiet,
    settings: {
      ...TEST_WEBHOOK_SETTINGS,
      leaseMs: 30_000,
      concurrency: 64,
      pollMs: 50,
      baseMs: 50,
      maxMs: 400,
      disableAfter: 1_000_000,
    },
  });
  await webhooks.start();
  let secret = '';
  const r = await receiver(failEveryOther, () => secret);
  const org = `bench-org-${new ObjectId().toHexString()}`;
  try {
    ({ secret } = await webhooks.service.createEndpoint(org, { url: r.url, eventTypes: ['order.*'] }));
    const started = performance.now();
    // Events arrive as the bus hands them to the fan-out: 64 at a time (8 keys at once on each of 8 streams).
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < events) {
          const n = next++;
          await webhooks.service.publish({
            key: `bench:${org}:${n}`,
            type: 'order.paid',
            resource: { kind: 'order', id: `o${n}` },
            vehicleId: null,
            customerId: org,
            data: { orderId: `o${n}`, status: 'PAID', totalMinor: 1000 + n, currency: 'EUR' },
            at: new Date(),
            position: n,
          });
        }
      }),
    );
    if (process.env.WEBHOOK_BENCH_DEBUG)
      console.log(
        `published in ${((performance.now() - started) / 1000).toFixed(2)} s, delivered so far ${r.delivered.size}`,
      );
    const deadline = Date.now() + 120_000;
    while (r.delivered.size < events && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    const seconds = (performance.now() - started) / 1000;
    // Every delivery settled SENT (none left behind in the store either).
    const deadline2 = Date.now() + 10_000;
    let sent = 0;
    while (Date.now() < deadline2) {
      sent = await webhooks.deliveries.deliveries.countDocuments({ organizationId: org, status: 'SENT' });
      if (sent === events) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const stats = r.stats();
    return { seconds, delivered: r.delivered.size, sent, ...stats };
  } finally {
    await webhooks.stop();
    await bus.close();
    await r.close();
  }
}

export async function webhookBench(db: Db, events: number): Promise<WebhookBenchReport> {
  const healthy = await run(db, events, false);
  const half = await run(db, events, true);
  const lost = (x: { delivered: number; sent: number }) => Math.max(events - x.delivered, events - x.sent);
  return {
    events,
    healthy: {
      seconds: round(healthy.seconds),
      perSecond: Math.round(events / healthy.seconds),
      requests: healthy.requests,
      lost: lost(healthy),
    },
    halfFailing: {
      seconds: round(half.seconds),
      perSecond: Math.round(events / half.seconds),
      requests: half.requests,
      failedRequests: half.failed,
      lost: lost(half),
    },
    signaturesChecked: healthy.checked + half.checked,
    badSignatures: healthy.bad + half.bad,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

export function formatWebhookReport(r: WebhookBenchReport): string {
  return [
    `webhooks, ${r.events} events to one local endpoint:`,
    `  healthy receiver:      ${r.healthy.perSecond} deliveries/s (${r.healthy.seconds} s, ${r.healthy.requests} requests, lost ${r.healthy.lost})`,
    `  half the requests 500: all delivered in ${r.halfFailing.seconds} s (${r.halfFailing.perSecond}/s, ${r.halfFailing.requests} requests, ${r.halfFailing.failedRequests} failed, lost ${r.halfFailing.lost})`,
    `  signatures checked with standardwebhooks: ${r.signaturesChecked}, bad ${r.badSignatures}`,
  ].join('\n');
}

export const webhookFailures = (r: WebhookBenchReport) => [
  ...(r.healthy.lost || r.halfFailing.lost
    ? [`webhooks lost: ${r.healthy.lost} healthy, ${r.halfFailing.lost} half failing`]
    : []),
  ...(r.badSignatures ? [`${r.badSignatures} webhook signatures did not verify`] : []),
  ...(r.healthy.perSecond < 1000 ? [`webhooks ${r.healthy.perSecond}/s, under the 1,000/s goal`] : []),
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  exitWith(async () => {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: { events: { type: 'string', default: '5000' } },
    });
    const database = await startBenchDatabase();
    const client = await MongoClient.connect(database.uri);
    const db = client.db(`bench_webhooks_${new ObjectId().toHexString()}`);
    try {
      const report = await webhookBench(db, Number(values.events));
      console.log(formatWebhookReport(report));
      return reportFailures(webhookFailures(report));
    } finally {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await database.stop();
    }
  });
}
