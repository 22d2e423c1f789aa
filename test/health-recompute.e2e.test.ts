import { ArmStore } from '../agents/learning/arm.store.js';
import { HEALTH_COMMANDS } from '../subgraphs/health/alerts/alert-events.js';
import type { HealthCommand } from '../subgraphs/health/state-machine/health-commands.js';
import { adminToken, agentsDb } from './agents.js';
import { errorCodes } from './client.js';
import {
  AgentGoalsDocument,
  ApproveDecisionDocument,
  DecisionsDocument,
  IngestObdFramesDocument,
  VehicleAlertsDocument,
  VehicleHealthHistoryDocument,
  type DecisionFieldsFragment,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

// ON, no background ticks (the critical alert wakes the loop), recomputes wait for an admin.
let t: TestSystem;
let admin: string;
let owner: Driver;
/** Drove, overheated, then parked. */
let parked: string;
/** Registered, never sent anything: health has never seen it. */
let silent: string;

const DAY_MS = 86_400_000;
const startedAt = Date.now() - 30 * 60_000;
const secondsIn = (s: number) => new Date(startedAt + s * 1000).toISOString();

beforeAll(async () => {
  t = await startTestSystem({
    AGENTS_MODE: 'ON',
    AGENTS_LOOP_INTERVAL_SECONDS: '3600',
    AGENTS_APPROVAL_ACTIONS: 'recompute_vehicle_health',
  });
  admin = await adminToken(t);
  owner = await registerDriver(t, 'recompute-owner@example.com');
  const driven = await vehicleWithDevice(t, owner, '1HGCM82633A004352');
  parked = driven.vehicleId;
  silent = (await vehicleWithDevice(t, owner, 'JHMCM56557C404453')).vehicleId;
  // What the team has learnt (as in agents/loop/loop.integration.test.ts): with critical alerts, only recomputing helped.
  const arms = new ArmStore(agentsDb(t));
  for (let i = 0; i < 30; i++) {
    await arms.record('critical_alerts', 'recompute_vehicle_health', true, new Date());
    await arms.record('critical_alerts', 'notify_critical_owners', false, new Date());
    await arms.record('critical_alerts', 'open_incident', false, new Date());
  }
  await waitFor(
    async () =>
      (await t.request(AgentGoalsDocument, {}, { token: admin })).data!.goals.find((g) => g.id === 'vehicles_connected')
        ?.current === 2,
    'the agents to know both vehicles',
  );
  // Two minutes at 120 °C, uploaded as the dongle reads them.
  for (let s = 0; s <= 120; s += 10) {
    const uploaded = await t.request(
      IngestObdFramesDocument,
      {
        vehicleId: parked,
        frames: [frames.rpm(2400), frames.coolant(120)],
        recordedAt: secondsIn(s),
      },
      { token: driven.deviceToken },
    );
    if (uploaded.errors) throw new Error(JSON.stringify(uploaded.errors));
  }
});
afterAll(() => t?.stop());

const history = async (vehicleId: string) => {
  const range = {
    from: new Date(Date.now() - 2 * DAY_MS).toISOString(),
    to: new Date(Date.now() + DAY_MS).toISOString(),
  };
  const result = await t.request(VehicleHealthHistoryDocument, { id: vehicleId, ...range }, { token: owner.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.vehicle!.healthHistory;
};
const newest = async (vehicleId: string) => (await history(vehicleId)).at(-1)?.takenAt;
const recomputeDecisions = async () =>
  (await t.request(DecisionsDocument, { filter: { category: 'business' } }, { token: admin }))
    .data!.decisions.edges.map((e) => e.node)
    .filter((d) => d.trigger.kind === 'critical_alerts');

describe('recomputing vehicle health', () => {
  let decision: DecisionFieldsFragment;

  it('the team proposes it for the vehicle with the critical alert, not the whole fleet', async () => {
    await waitFor(
      async () =>
        (await t.request(VehicleAlertsDocument, { id: parked }, { token: owner.token })).data!.vehicle!.alerts.some(
          (a) => a.severity === 'CRITICAL',
        ),
      'the overheating alert',
    );
    await waitFor(async () => (await recomputeDecisions()).length > 0, 'the decision');
    [decision] = await recomputeDecisions();
    expect(decision).toMatchObject({
      action: 'recompute_vehicle_health',
      status: 'APPROVAL_REQUIRED',
      risk: 'LOW',
      reversible: false,
    });
    expect(decision.options.map((o) => o.action).sort()).toEqual([
      'notify_critical_owners',
      'open_incident',
      'recompute_vehicle_health',
    ]);
    expect(JSON.parse(decision.parameters).vehicleIds).toEqual([parked]);
    // Deciding alone changed nothing: the snapshot is still the one the telemetry made.
    expect(await history(parked)).toEqual([expect.objectContaining({ takenAt: secondsIn(0) })]);
  });

  it('a customer cannot approve it, and nothing is recomputed', async () => {
    const denied = await t.request(ApproveDecisionDocument, { id: decision.id }, { token: owner.token });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    expect((await recomputeDecisions())[0].status).toBe('APPROVAL_REQUIRED');
    expect(await newest(parked)).toBe(secondsIn(0));
  });

  it("an admin's approval gives the alerting vehicle a fresh snapshot, and none to the other", async () => {
    const approved = (await t.request(ApproveDecisionDocument, { id: decision.id }, { token: admin })).data!
      .approveDecision;
    expect(approved).toMatchObject({
      status: 'EXECUTED',
      execution: { summary: 'recompute requested for 1 vehicle', success: true },
    });
    const requestedAt = approved.execution!.at;
    await waitFor(async () => (await newest(parked)) === requestedAt, 'the fresh snapshot');
    const days = await history(parked);
    // One snapshot per day: the recompute replaced the day's, or (past midnight) began the next.
    expect(days.map((d) => d.day)).toEqual([...new Set([secondsIn(0), requestedAt].map((at) => at.slice(0, 10)))]);
    expect(days.at(-1)!.parts.length).toBeGreaterThan(0);
    expect(await history(silent)).toEqual([]);
  });

  it('a command that cannot be read changes nothing', async () => {
    const before = await history(parked);
    const later = new Date(Date.now() + 60_000).toISOString();
    await t.system.deps.bus.append(HEALTH_COMMANDS, {
      kind: 'recalculate',
      vehicleIds: [parked],
      decisionId: 'e2e-bad-kind',
      at: later,
    });
    await t.system.deps.bus.append(HEALTH_COMMANDS, {
      kind: 'recompute',
      vehicleIds: [parked, { $ne: null }],
      decisionId: 'e2e-bad-ids',
      at: later,
    });
    // A good command after them, for an earlier time: had either bad one been applied, its later
    // snapshot would stand and this one would be ignored as stale.
    const sentinelAt = new Date().toISOString();
    await t.system.deps.bus.append<HealthCommand>(HEALTH_COMMANDS, {
      kind: 'recompute',
      vehicleIds: [parked],
      decisionId: 'e2e-sentinel',
      at: sentinelAt,
    });
    await waitFor(async () => (await newest(parked)) === sentinelAt, 'the commands to be handled');
    const after = await history(parked);
    expect(after.map((d) => d.takenAt)).not.toContain(later);
    expect(after.slice(0, -1)).toEqual(before.slice(0, after.length - 1));
  });
});
