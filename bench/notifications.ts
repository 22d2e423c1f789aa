import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { busIterator } from '../platform/events/bus-iterator.js';
import { InMemoryBroker } from '../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../platform/events/in-process.js';
import { createLogger } from '../platform/logger.js';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../subgraphs/health/contract.js';
import { FakeSmsServer } from '../subgraphs/notifications/channels/sms/fake-sms-server.js';
import { HttpSmsProvider } from '../subgraphs/notifications/channels/sms/sms-provider.js';
import { SmsChannel } from '../subgraphs/notifications/channels/sms/sms.channel.js';
import webPush from 'web-push';
import { PushDeviceStore } from '../subgraphs/notifications/channels/push/push-device.store.js';
import { PushChannel } from '../subgraphs/notifications/channels/push/push.channel.js';
import { LocalPushService } from '../subgraphs/notifications/channels/push/testing/local-push-service.js';
import { userNotificationsTopic } from '../subgraphs/notifications/contract.js';
import type { NotificationEvent } from '../subgraphs/notifications/inbox/live.js';
import { createPipeline } from '../subgraphs/notifications/pipeline.js';
import { DEFAULT_PREFERENCES } from '../subgraphs/notifications/preferences/policy.js';
import type { RecipientDirectory } from '../subgraphs/notifications/recipients/directory.js';
import { healthAlertsSource } from '../subgraphs/notifications/sources/health-alerts.source.js';
import { StreamSources, type StreamSource } from '../subgraphs/notifications/sources/stream-sources.js';
import { startBenchDatabase } from './lib/bench-database.js';
import { LatencyRecorder, type LatencySummary } from './lib/latency.js';
import { settledMemorySnapshot, type MemorySnapshot } from './lib/memory.js';
import { wholeNumber } from './lib/options.js';
import {
  environment,
  fixed,
  MEMORY_HEADER,
  memoryRow,
  saveReport,
  table,
  times,
  type Environment,
} from './lib/report.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import {
  formatWebhookReport,
  webhookBench,
  webhookFailures,
  type WebhookBenchReport,
} from './notifications-webhooks.js';
import { measureThroughGateway } from './lib/notifications/gateway.js';

/*
 * Notifications: from a health alert appended to its durable stream to (a) the owner's live
 * inbox event (the entry is written before it is published: alert-to-inbox) and (b) the SMS at
 * a local provider over HTTP (alert-to-delivery, through the durable delivery queue), with
 * --users subscribed users (a bounded live subscription each, as the gateway holds them). The
 * baseline, measured in the same run on the same database and bus, is the least any durable
 * consumer that writes once and fans out live costs: a stream consumer whose handler inserts
 * one document and publishes it to the user's topic. The ratio says what the pipeline
 * (recipient lookup, preferences, fold window, cap, entry, deliveries, claim, channel) adds.
 *
 *   npm run bench:notifications [-- --users 1000 --alerts 600 --rate 50] [--gateway]
 *
 * --gateway: the same through the whole system, each user a graphql-ws subscriber at the gateway
 * (bench/lib/notifications/gateway.ts); its baseline is the live fan-out alone.
 */

interface Options {
  users: number;
  alerts: number;
  rate: number;
  /** The whole system: subscriptions through the gateway (bench/lib/notifications/gateway.ts). */
  gateway: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string' },
      alerts: { type: 'string' },
      rate: { type: 'string' },
      quick: { type: 'boolean' },
      gateway: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  return {
    users: wholeNumber('users', values.users, quick ? 200 : 1000, 1),
    alerts: wholeNumber('alerts', values.alerts, quick ? 100 : 600, 10),
    rate: wholeNumber('rate', values.rate, 50, 1),
    gateway: values.gateway === true,
  };
}

interface Report {
  startedAt: string;
  environment: Environment;
  options: Options;
  baseline: LatencySummary;
  alertToInbox: LatencySummary;
  alertToDelivery: LatencySummary;
  /** Alert to the Web Push at a local push service (VAPID checked, payload decrypted there). */
  alertToPush?: LatencySummary;
  /** Pipeline p50/p95/p99 over the baseline's. */
  ratio: { p50: number; p95: number; p99: number };
  lost: { inbox: number; delivery: number; baseline: number; push?: number };
  memory: { before: MemorySnapshot; after: MemorySnapshot };
  /** B2B webhooks: deliveries/s to a local receiver; with one failing half the requests, lost and time to all delivered. */
  webhooks?: WebhookBenchReport;
}

const logger = createLogger({ service: 'bench-notifications', level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends `count` events at `rate` per second, each stamped with its send time by `send`. */
async function pace(count: number, rate: number, send: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
}

function alert(id: string, vehicleId: string): HealthAlertEvent {
  const at = new Date().toISOString();
  return {
    id,
    vehicleId,
    // A rule per alert: no fold window applies, every alert is a new entry and a new delivery.
    rule: `bench-${id}`,
    part: 'COOLING_SYSTEM',
    severity: 'CRITICAL',
    status: 'OPEN',
    message: `Engine overheating (${id})`,
    value: 118,
    threshold: 110,
    openedAt: at,
    acknowledgedAt: null,
    resolvedAt: null,
    history: [{ status: 'OPEN', at, by: null }],
  };
}

async function measure(db: Db, database: string, options: Options): Promise<Report> {
  const startedAt = new Date().toISOString();
  const [loadAverage1m] = loadavg();
  const bus = new InProcessEventBus(logger, { broker: new InMemoryBroker({}) });
  const sent = new Map<string, number>();
  const inbox = new LatencyRecorder();
  const delivery = new LatencyRecorder();
  const baseline = new LatencyRecorder();
  const seenInbox = new Set<string>();
  const seenDelivery = new Set<string>();
  const seenBaseline = new Set<string>();
  const push = new LatencyRecorder();
  const seenPush = new Set<string>();

  const sms = new FakeSmsServer({
    keep: 10,
    onMessage: (m) => {
      const id = /\((a-\d+)\)/.exec(m.body)?.[1];
      const at = id ? sent.get(id) : undefined;
      if (id && at !== undefined && !seenDelivery.has(id)) {
        seenDelivery.add(id);
        delivery.record(performance.now() - at);
      }
    },
  });
  const provider = new HttpSmsProvider({ url: await sms.listen() });
  // Web Push: one browser per user at a local push service that verifies and decrypts each push.
  const vapid = { ...webPush.generateVAPIDKeys(), subject: 'mailto:bench@clutch.example' };
  const pushService = new LocalPushService(vapid.publicKey, (received) => {
    const id = received.payload.data.alertId;
    const at = id ? sent.get(id) : undefined;
    if (id && at !== undefined && !seenPush.has(id)) {
      seenPush.add(id);
      push.record(performance.now() - at);
    }
  });
  await pushService.listen();
  const pushDevices = new PushDeviceStore(db);
  await pushDevices.init();
  const pipeline = await createPipeline({
    db,
    bus,
    logger,
    settings: {
      dedupeWindowMs: 30 * 60_000,
      hourlyCap: 1000,
      unsubscribe: { secret: 'b'.repeat(32), baseUrl: 'http://localhost:4000/unsubscribe' },
      delivery: { pollMs: 1000, leaseMs: 30_000, concurrency: 8, baseMs: 1000, maxMs: 60_000, maxAttempts: 10 },
    },
    channels: [
      (kit) => new SmsChannel(provider, kit.preferences),
      () => new PushChannel(pushDevices, vapid, { allowLoopback: true, ttlSeconds: 600, timeoutMs: 5_000 }, logger),
    ],
  });
  const users = Array.from({ length: options.users }, (_, i) => `bench-user-${i}`);
  const directory: RecipientDirectory = {
    vehicleOwners: async (ids) => new Map(ids.map((id) => [id, `bench-user-${id.slice('veh-'.length)}`])),
    centreMembers: async () => [],
  };
  console.log(`seeding ${options.users} users' preferences and push devices (SMS and push on, email queued)...`);
  for (const user of users) {
    await pipeline.preferences.save(user, { ...DEFAULT_PREFERENCES, smsNumber: '+971500000000' }, new Date(), null);
    const device = pushService.subscribe();
    await pushDevices.upsert(user, device.endpoint, device.keys, new Date());
  }

  // Every user subscribed, each through a bounded queue as the subgraph's subscription is.
  const subscriptions = users.map((user) =>
    busIterator<NotificationEvent & { baseline?: string }>(bus, userNotificationsTopic(user), { maxQueue: 100 }),
  );
  const readers = subscriptions.map(async (events) => {
    for await (const event of events) {
      const now = performance.now();
      if (event.baseline) {
        const at = sent.get(event.baseline);
        if (at !== undefined && !seenBaseline.has(event.baseline)) {
          seenBaseline.add(event.baseline);
          baseline.record(now - at);
        }
        continue;
      }
      const id = event.data.alertId;
      const at = id ? sent.get(id) : undefined;
      if (id && at !== undefined && !seenInbox.has(id)) {
        seenInbox.add(id);
        inbox.record(now - at);
      }
    }
  });

  const BASELINE_STREAM = 'bench.notifications.baseline';
  const plain = db.collection('bench_baseline');
  const baselineSource: StreamSource<{ id: string; userId: string }> = {
    stream: BASELINE_STREAM,
    schema: { safeParse: (p: unknown) => ({ success: true as const, data: p as { id: string; userId: string } }) },
    orderKey: (p) => p.userId,
    async handle({ payload }) {
      await plain.insertOne({ _id: new ObjectId(), ...payload, at: new Date() });
      await bus.publish(userNotificationsTopic(payload.userId), { baseline: payload.id });
    },
  };
  const sources = new StreamSources(
    bus,
    [healthAlertsSource(pipeline.dispatcher, directory), baselineSource] as StreamSource<never>[] as StreamSource[],
    { blockMs: 50 },
  );
  await sources.start();
  pipeline.start();

  const before = settledMemorySnapshot();
  const vehicleOf = (i: number) => `veh-${i % options.users}`;
  console.log(`baseline: ${options.alerts} events at ${options.rate}/s (consume, one insert, live fan-out)...`);
  await pace(options.alerts, options.rate, async (i) => {
    const id = `b-${i}`;
    sent.set(id, performance.now());
    await bus.append(BASELINE_STREAM, { id, userId: `bench-user-${i % options.users}` });
  });
  await waitUntil(() => seenBaseline.size >= options.alerts, 30_000);

  console.log(
    `pipeline: ${options.alerts} CRITICAL alerts at ${options.rate}/s to ${options.users} subscribed users...`,
  );
  await pace(options.alerts, options.rate, async (i) => {
    const id = `a-${i}`;
    sent.set(id, performance.now());
    await bus.append(HEALTH_ALERTS, alert(id, vehicleOf(i)));
  });
  await waitUntil(
    () => seenInbox.size >= options.alerts && seenDelivery.size >= options.alerts && seenPush.size >= options.alerts,
    60_000,
  );
  const after = settledMemorySnapshot();

  await sources.stop();
  await pipeline.stop();
  for (const s of subscriptions) await s.return?.();
  await Promise.all(readers);
  await bus.close();
  await sms.close();
  await pushService.close();

  const alertToInbox = inbox.summary();
  const base = baseline.summary();
  return {
    startedAt,
    environment: environment(database, loadAverage1m),
    options,
    baseline: base,
    alertToInbox,
    alertToDelivery: delivery.summary(),
    alertToPush: push.summary(),
    ratio: { p50: alertToInbox.p50 / base.p50, p95: alertToInbox.p95 / base.p95, p99: alertToInbox.p99 / base.p99 },
    lost: {
      inbox: options.alerts - seenInbox.size,
      delivery: options.alerts - seenDelivery.size,
      baseline: options.alerts - seenBaseline.size,
      push: options.alerts - seenPush.size,
    },
    memory: { before, after },
  };
}

function formatReport(r: Report, baselineLabel = 'baseline (consume, insert, publish)'): string {
  const row = (name: string, s: LatencySummary) => [
    name,
    String(s.count),
    fixed(s.p50),
    fixed(s.p95),
    fixed(s.p99),
    fixed(s.max),
  ];
  return [
    `bench:notifications: ${r.options.users} subscribed users, ${r.options.alerts} alerts at ${r.options.rate}/s (${r.environment.database}, load ${r.environment.loadAverage1m})`,
    '',
    table([
      ['latency ms', 'n', 'p50', 'p95', 'p99', 'max'],
      row(baselineLabel, r.baseline),
      row('alert -> inbox (live event)', r.alertToInbox),
      row('alert -> SMS at provider', r.alertToDelivery),
      ...(r.alertToPush ? [row('alert -> Web Push at push service', r.alertToPush)] : []),
    ]),
    '',
    `alert-to-inbox over baseline: p50 ${times(r.ratio.p50)}, p95 ${times(r.ratio.p95)}, p99 ${times(r.ratio.p99)}`,
    `lost: inbox ${r.lost.inbox}, delivery ${r.lost.delivery}, baseline ${r.lost.baseline}${r.lost.push === undefined ? '' : `, push ${r.lost.push}`}`,
    '',
    table([
      ['memory', ...MEMORY_HEADER],
      memoryRow('before alerts', r.memory.before),
      memoryRow('after alerts', r.memory.after),
    ]),
    ...(r.webhooks ? ['', formatWebhookReport(r.webhooks)] : []),
  ].join('\n');
}

exitWith(async () => {
  const options = parseOptions(process.argv.slice(2));
  if (options.gateway) {
    const [loadAverage1m] = loadavg();
    const startedAt = new Date().toISOString();
    const r = await measureThroughGateway(options);
    const report: Report = {
      startedAt,
      environment: environment(r.database, loadAverage1m),
      options,
      ...r,
      ratio: {
        p50: r.alertToInbox.p50 / r.baseline.p50,
        p95: r.alertToInbox.p95 / r.baseline.p95,
        p99: r.alertToInbox.p99 / r.baseline.p99,
      },
    };
    console.log(`\n${formatReport(report, 'baseline (live fan-out alone)')}\n`);
    console.log(`saved ${saveReport('notifications-gateway', report)}`);
    return reportFailures(report.lost.inbox || report.lost.delivery ? ['alerts were lost'] : []);
  }
  const database = await startBenchDatabase();
  const client = await MongoClient.connect(database.uri);
  const db = client.db(`bench_notifications_${new ObjectId().toHexString()}`);
  try {
    const report = await measure(db, database.database, options);
    report.webhooks = await webhookBench(db, options.users >= 1000 ? 5000 : 1000);
    console.log(`\n${formatReport(report)}\n`);
    console.log(`saved ${saveReport('notifications', report)}`);
    const failed = [
      ...(report.lost.inbox ? [`${report.lost.inbox} alerts never reached the inbox`] : []),
      ...(report.lost.delivery ? [`${report.lost.delivery} alerts never reached the SMS provider`] : []),
      ...(report.webhooks ? webhookFailures(report.webhooks) : []),
      ...(report.lost.push ? [`${report.lost.push} alerts never reached the push service`] : []),
    ];
    return reportFailures(failed);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await database.stop();
  }
});
