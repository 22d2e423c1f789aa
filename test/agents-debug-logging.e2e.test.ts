import type { GatewayMetricsSnapshot } from '../gateway/metrics-publisher.js';
import { GATEWAY_METRICS_TOPIC } from '../gateway/metrics-publisher.js';
import { AgentGoalsDocument, AutonomousStatusDocument, DecisionsDocument, MeDocument } from './generated/graphql.js';
import { adminToken } from './agents.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver } from './live.js';
import { waitFor } from './wait-for.js';

// The agents ON with no background ticks; the gateway reports every second; 5 operations a
// minute per anonymous IP, so a flood is mostly refusals.
let t: TestSystem;
let admin: string;
const snapshots: GatewayMetricsSnapshot[] = [];

beforeAll(async () => {
  t = await startTestSystem({
    AGENTS_MODE: 'ON',
    AGENTS_LOOP_INTERVAL_SECONDS: '3600',
    GATEWAY_METRICS_INTERVAL_SECONDS: '1',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
  });
  t.system.deps.bus.subscribe<GatewayMetricsSnapshot>(GATEWAY_METRICS_TOPIC, (s) => void snapshots.push(s));
  admin = await adminToken(t);
});
afterAll(() => t?.stop());

const total = (field: 'rateLimited' | 'forbidden' | 'authenticatedRateLimited' | 'authenticatedForbidden') =>
  snapshots.reduce((n, s) => n + s[field], 0);

describe('an anonymous flood', () => {
  it('the gateway reports refusals to signed-in callers apart from the anonymous ones', async () => {
    const customer = await registerDriver(t, 'signal-customer@example.com');
    for (let i = 0; i < 2; i++) {
      expect(errorCodes(await t.request(AgentGoalsDocument, {}, { token: customer.token }))).toEqual(['FORBIDDEN']);
    }
    const flood = [];
    for (let i = 0; i < 60; i++)
      flood.push(await t.request(MeDocument, {}, { headers: { 'x-forwarded-for': '192.0.2.50' } }));
    expect(flood.filter((r) => r.status === 429)).toHaveLength(55);
    await waitFor(() => total('rateLimited') >= 55, 'the refusals in a published snapshot');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // one more window: nothing is still in flight
    expect(total('authenticatedForbidden')).toBe(2);
    expect(total('authenticatedRateLimited')).toBe(0);
    expect(total('forbidden')).toBeGreaterThanOrEqual(2);
  });

  it('fires the rate-limit trigger but does not switch anything to debug logging', async () => {
    // The breach woke the loop as the snapshot arrived: no tick needs to be asked for.
    const burstDecision = async () =>
      (await t.request(DecisionsDocument, { filter: { category: 'security' } }, { token: admin }))
        .data!.decisions.edges.map((e) => e.node)
        .find((d) => d.trigger.kind === 'rate_limit_burst');
    await waitFor(async () => (await burstDecision()) !== undefined, 'a decision on the rate-limit burst');
    const decision = await burstDecision();
    expect(decision).toBeDefined();
    expect(decision!.trigger.value).toBeGreaterThanOrEqual(30);
    // Debug logging was not even a candidate: only the incident was.
    expect(decision!.options.map((o) => o.action)).toEqual(['open_incident']);
    expect(decision!.action).toBe('open_incident');
    expect(decision!.metrics).toContainEqual({ name: 'authenticated_rate_limited_per_minute', value: 0 });
    const status = (await t.request(AutonomousStatusDocument, {}, { token: admin })).data!.autonomousStatus;
    expect(status.logLevel).not.toBe('debug');
    expect(status.activeEffects.filter((e) => e.kind === 'log_level')).toEqual([]);
  });
});
