import type { GatewayMetricsSnapshot } from '../gateway/contract.js';
import { GATEWAY_METRICS_TOPIC } from '../gateway/contract.js';
import { adminToken, reportErrors } from './agents.js';
import { startDbProxy, type DbProxy } from './db-proxy.js';
import { MeDocument, RunAutonomousTickDocument, TriggerFiringsDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver } from './live.js';
import { waitFor } from './wait-for.js';

/*
 * The agents' signals through the gateway: snapshots every second with rolling windows, a
 * database behind a proxy that can freeze, a lease of 3 s (checked every second, given up on
 * after one), and subgraph calls that give up after three seconds.
 */
let proxy: DbProxy;
let t: TestSystem;
let admin: string;
let driver: string;
const snapshots: GatewayMetricsSnapshot[] = [];

beforeAll(async () => {
  proxy = await startDbProxy(process.env.MONGODB_URI!);
  t = await startTestSystem({
    MONGODB_URI: proxy.uri,
    AGENTS_MODE: 'ON',
    AGENTS_LOOP_INTERVAL_SECONDS: '3600',
    AGENTS_LEASE_SECONDS: '3',
    AGENTS_CONTROL_SHARE: '0',
    GATEWAY_METRICS_INTERVAL_SECONDS: '1',
    SUBGRAPH_TIMEOUT_MS: '3000',
    CLIENT_ERROR_REPORTS_PER_MINUTE: '30',
  });
  await t.system.deps.bus.subscribe<GatewayMetricsSnapshot>(GATEWAY_METRICS_TOPIC, (s) => void snapshots.push(s)).ready;
  admin = await adminToken(t);
  driver = (await registerDriver(t, 'signals-driver@example.com')).token;
});
afterAll(async () => {
  proxy?.thaw();
  await t?.stop();
  await proxy?.close();
});

const firings = async (kind: string) =>
  (await t.request(TriggerFiringsDocument, { kind, first: 10 }, { token: admin })).data!.triggerFirings;

async function agentsMetrics(): Promise<string> {
  const agents = t.system.subgraphs.find((s) => s.name === 'agents')!;
  return (await fetch(new URL('/metrics', agents.url))).text();
}
const metricValue = (text: string, line: RegExp) => Number(text.match(line)?.[1] ?? 0);

describe('a database freeze', () => {
  it('is detected while the database is down (logged, on /metrics), and recorded and decided on once it is back', async () => {
    // Some ordinary traffic first, so the 5-minute window has enough requests to judge.
    for (let i = 0; i < 60; i++) expect((await t.request(MeDocument, {}, { token: driver })).errors).toBeUndefined();
    expect((await firings('availability')).totalCount).toBe(0);

    proxy.freeze();
    const refused: string[] = [];
    const load = (async () => {
      for (let i = 0; i < 4; i++) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => t.request(MeDocument, {}, { token: driver })),
        );
        for (const a of answers) refused.push(String(a.errors?.[0]?.extensions?.code));
      }
    })();
    await waitFor(
      async () => {
        const text = await agentsMetrics();
        return (
          metricValue(text, /^agents_database_reachable\{[^}]*\} (\d+)/m) === 0 &&
          metricValue(text, /^agents_trigger_breaches_total\{kind="availability"[^}]*\} (\d+)/m) >= 1
        );
      },
      'the availability trigger to fire while the database is frozen',
      20_000,
    ).catch(async (e) => {
      console.log(
        (await agentsMetrics())
          .split('\n')
          .filter((l) => l.startsWith('agents_'))
          .join('\n'),
        JSON.stringify(snapshots.at(-1)),
      );
      throw e;
    });
    expect(metricValue(await agentsMetrics(), /^agents_firings_pending\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    await load;
    expect(refused.filter((c) => c === 'SERVICE_UNAVAILABLE').length).toBeGreaterThan(20);
    // Nothing needing the database was done meanwhile: nothing could be recorded.
    proxy.thaw();

    await waitFor(
      async () => ((await firings('availability').catch(() => null))?.totalCount ?? 0) === 1,
      'the firing to be recorded once the database is back',
      20_000,
    );
    await waitFor(
      async () => (await firings('availability')).edges[0].node.decisionId !== null,
      'a decision on it',
      10_000,
    );
    expect(metricValue(await agentsMetrics(), /^agents_database_reachable\{[^}]*\} (\d+)/m)).toBe(1);
    expect(metricValue(await agentsMetrics(), /^agents_firings_pending\{[^}]*\} (\d+)/m)).toBe(0);
  });
});

describe('the report limiter', () => {
  it('refusing client error reports is not a security rate-limit burst: counted apart, and rate_limit_burst does not fire', async () => {
    const since = snapshots.length;
    const answers: Array<boolean | string> = [];
    for (let i = 0; i < 7; i++) answers.push(...(await reportErrors(t, 10)));
    expect(answers.filter((a) => a === 'RATE_LIMITED').length).toBe(40);
    await waitFor(
      () => snapshots.slice(since).reduce((n, s) => n + s.serviceRateLimited, 0) >= 40,
      'the refusals in a gateway snapshot',
    );
    expect(snapshots.slice(since).reduce((n, s) => n + s.rateLimited, 0)).toBe(0);
    expect(snapshots.at(-1)!.windows!['1m']).toMatchObject({ rateLimited: 0, serviceRateLimited: 40 });
    await t.request(RunAutonomousTickDocument, {}, { token: admin });
    expect((await firings('rate_limit_burst')).totalCount).toBe(0);
    expect((await firings('client_error_burst')).totalCount).toBe(1);
  });
});
