import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveAddVehicleDocument } from '../../../test/generated/graphql.js';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../../../subgraphs/health/contract.js';
import { FakeSmsServer } from '../../../subgraphs/notifications/channels/sms/fake-sms-server.js';
import { userNotificationsTopic } from '../../../subgraphs/notifications/contract.js';
import { DEFAULT_PREFERENCES } from '../../../subgraphs/notifications/preferences/policy.js';
import { startBenchSystem } from '../bench-system.js';
import { bearerHeaders, dataOf, postGraphQL } from '../graphql-http.js';
import { LatencyRecorder, type LatencySummary } from '../latency.js';
import { settledMemorySnapshot, type MemorySnapshot } from '../memory.js';
import { seedSession } from '../seed.js';

/*
 * bench:notifications --gateway: the whole system in this process; each user holds one
 * graphql-ws subscription to `notifications` through the gateway. Alerts are appended to
 * health's durable stream as health appends them; the owner is looked up through the vehicles
 * subgraph's route. Baseline (same run): an event published straight on each user's live topic,
 * i.e. the gateway and subgraph fan-out alone.
 */

export interface GatewayResult {
  baseline: LatencySummary;
  alertToInbox: LatencySummary;
  alertToDelivery: LatencySummary;
  lost: { inbox: number; delivery: number; baseline: number };
  memory: { before: MemorySnapshot; after: MemorySnapshot };
  database: string;
}

const SUBSCRIPTION = 'subscription { notifications { id title data { key value } } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pace(count: number, rate: number, send: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
}

export async function measureThroughGateway(options: {
  users: number;
  alerts: number;
  rate: number;
}): Promise<GatewayResult> {
  const sent = new Map<string, number>();
  const inbox = new LatencyRecorder();
  const delivery = new LatencyRecorder();
  const baseline = new LatencyRecorder();
  const seen = { inbox: new Set<string>(), delivery: new Set<string>(), baseline: new Set<string>() };
  const record = (kind: keyof typeof seen, recorder: LatencyRecorder, id: string | undefined) => {
    const at = id ? sent.get(id) : undefined;
    if (!id || at === undefined || seen[kind].has(id)) return;
    seen[kind].add(id);
    recorder.record(performance.now() - at);
  };
  const sms = new FakeSmsServer({
    keep: 10,
    onMessage: (m) => record('delivery', delivery, /\((a-\d+)\)/.exec(m.body)?.[1]),
  });
  const bench = await startBenchSystem({ SMS_PROVIDER_URL: await sms.listen(), NOTIFY_USER_HOURLY_CAP: '100000' });
  const clients: Client[] = [];
  try {
    const url = bench.system.url;
    console.log(`seeding ${options.users} users with a vehicle each through the gateway...`);
    const users: { userId: string; token: string; vehicleId: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < options.users) {
          const serial = ++next;
          const session = await seedSession(url);
          const { addVehicle } = dataOf(
            'addVehicle',
            await postGraphQL(
              url,
              LiveAddVehicleDocument,
              {
                input: {
                  vin: `WVWZZZ1JZXW${String(500_000 + serial)}`,
                  make: 'VW',
                  model: 'Golf',
                },
              },
              bearerHeaders(session.accessToken),
            ),
          );
          users.push({ userId: session.user.id, token: session.accessToken, vehicleId: addVehicle.id });
        }
      }),
    );
    // SMS on for everyone (a number each), written as updateNotificationPreferences would.
    await bench.system.deps.mongo
      .db('notifications')
      .collection('notification_preferences')
      .insertMany(
        users.map((u) => ({
          _id: u.userId as never,
          ...DEFAULT_PREFERENCES,
          smsNumber: '+971500000000',
          updatedAt: new Date(),
        })),
      );

    console.log(`opening ${options.users} live subscriptions through the gateway...`);
    for (const u of users) {
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${u.token}` },
        retryAttempts: 0,
      });
      clients.push(client);
      client.subscribe<{ notifications: { title: string; data: { key: string; value: string }[] } }>(
        { query: SUBSCRIPTION },
        {
          next: (r) => {
            const n = r.data?.notifications;
            if (!n) return;
            const base = /^baseline (b-\d+)$/.exec(n.title)?.[1];
            if (base) record('baseline', baseline, base);
            else record('inbox', inbox, n.data.find((d) => d.key === 'alertId')?.value);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    await waitUntil(() => bench.system.gateway.subscriptions.stats.subscribers >= options.users, 120_000);
    await sleep(1000);
    const before = settledMemorySnapshot();
    const bus = bench.system.deps.bus;
    const at = () => new Date().toISOString();

    console.log(`baseline: ${options.alerts} live events at ${options.rate}/s straight on the users' topics...`);
    await pace(options.alerts, options.rate, async (i) => {
      const u = users[i % users.length]!;
      const id = `b-${i}`;
      sent.set(id, performance.now());
      await bus.publish(userNotificationsTopic(u.userId), {
        id: '0'.repeat(24),
        userId: u.userId,
        category: 'SAFETY',
        kind: 'ALERT_OPENED',
        severity: 'CRITICAL',
        title: `baseline ${id}`,
        body: '',
        deepLink: 'clutch://bench',
        data: {},
        read: false,
        folds: 0,
        createdAt: at(),
        updatedAt: at(),
      });
    });
    await waitUntil(() => seen.baseline.size >= options.alerts, 30_000);

    console.log(`pipeline: ${options.alerts} CRITICAL alerts at ${options.rate}/s...`);
    await pace(options.alerts, options.rate, async (i) => {
      const u = users[i % users.length]!;
      const id = `a-${i}`;
      const now = at();
      const event: HealthAlertEvent = {
        id,
        vehicleId: u.vehicleId,
        rule: `bench-${id}`,
        part: null,
        severity: 'CRITICAL',
        status: 'OPEN',
        message: `Engine overheating (${id})`,
        value: 118,
        threshold: 110,
        openedAt: now,
        acknowledgedAt: null,
        resolvedAt: null,
        history: [{ status: 'OPEN', at: now, by: null }],
      };
      sent.set(id, performance.now());
      await bus.append(HEALTH_ALERTS, event);
    });
    await waitUntil(() => seen.inbox.size >= options.alerts && seen.delivery.size >= options.alerts, 90_000);
    const after = settledMemorySnapshot();
    return {
      baseline: baseline.summary(),
      alertToInbox: inbox.summary(),
      alertToDelivery: delivery.summary(),
      lost: {
        inbox: options.alerts - seen.inbox.size,
        delivery: options.alerts - seen.delivery.size,
        baseline: options.alerts - seen.baseline.size,
      },
      memory: { before, after },
      database: bench.database,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await bench.stop();
    await sms.close();
  }
}
