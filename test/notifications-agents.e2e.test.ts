import { ArmStore } from '../agents/learning/arm.store.js';
import { isValidVin } from '../subgraphs/vehicles/vin/vin.js';
import { adminToken, agentsDb } from './agents.js';
import {
  AgentGoalsDocument,
  ApproveDecisionDocument,
  DecisionsDocument,
  InboxDocument,
  IngestObdFramesDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

// ON, no background ticks (the critical alert wakes the loop); notify_critical_owners is HIGH risk: it waits for an admin.
let t: TestSystem;
let admin: string;
let owner: Driver;
let vehicleId: string;

const vin = () =>
  ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'].map((c) => `1HGCM8263${c}A007001`).find(isValidVin)!;

beforeAll(async () => {
  t = await startTestSystem({ AGENTS_MODE: 'ON', AGENTS_LOOP_INTERVAL_SECONDS: '3600' });
  admin = await adminToken(t);
  owner = await registerDriver(t, 'notify-agents-owner@example.com');
  const driven = await vehicleWithDevice(t, owner, vin());
  vehicleId = driven.vehicleId;
  // What the team has learnt: with critical alerts, only notifying the owners helped.
  const arms = new ArmStore(agentsDb(t));
  for (let i = 0; i < 30; i++) {
    await arms.record('critical_alerts', 'notify_critical_owners', true, new Date());
    await arms.record('critical_alerts', 'recompute_vehicle_health', false, new Date());
    await arms.record('critical_alerts', 'open_incident', false, new Date());
  }
  await waitFor(
    async () =>
      (await t.request(AgentGoalsDocument, {}, { token: admin })).data!.goals.find((g) => g.id === 'vehicles_connected')
        ?.current === 1,
    'the agents to know the vehicle',
  );
  const startedAt = Date.now() - 30 * 60_000;
  for (let s = 0; s <= 120; s += 10) {
    const uploaded = await t.request(
      IngestObdFramesDocument,
      {
        vehicleId,
        frames: [frames.rpm(2400), frames.coolant(120)],
        recordedAt: new Date(startedAt + s * 1000).toISOString(),
      },
      { token: driven.deviceToken },
    );
    if (uploaded.errors) throw new Error(JSON.stringify(uploaded.errors));
  }
});
afterAll(() => t?.stop());

const kinds = async () =>
  (await t.request(InboxDocument, { first: 20 }, { token: owner.token })).data!.notifications.edges.map((e) => e.node);
const notifyDecisions = async () =>
  (await t.request(DecisionsDocument, { filter: { category: 'business' } }, { token: admin }))
    .data!.decisions.edges.map((e) => e.node)
    .filter((d) => d.action === 'notify_critical_owners');

describe("the agents' notify_critical_owners", () => {
  it('approved, puts an entry in the owner inbox and reports what it sent', async () => {
    await waitFor(async () => (await notifyDecisions()).length > 0, 'the decision', 20_000);
    const [decision] = await notifyDecisions();
    expect(decision).toMatchObject({ status: 'APPROVAL_REQUIRED', risk: 'HIGH' });
    expect(JSON.parse(decision!.parameters).vehicleIds).toEqual([vehicleId]);
    // Before approval the owner has only health's alert.
    await waitFor(async () => (await kinds()).length === 1, 'the alert entry');
    expect((await kinds()).map((n) => n.kind)).toEqual(['ALERT_OPENED']);

    const approved = await t.request(ApproveDecisionDocument, { id: decision!.id }, { token: admin });
    if (approved.errors) throw new Error(JSON.stringify(approved.errors));
    const execution = approved.data!.approveDecision.execution!;
    expect(approved.data!.approveDecision.status).toBe('EXECUTED');
    expect(execution.success).toBe(true);
    expect(execution.summary).toMatch(
      /^1 notification\(s\) sent to 1 owner\(s\) of 1 vehicle\(s\) \(EMAIL, IN_APP, PUSH\); inbox entries: [0-9a-f]{24}$/,
    );

    const inbox = await kinds();
    expect(inbox.map((n) => n.kind).sort()).toEqual(['ALERT_OPENED', 'OWNER_NOTICE']);
    const notice = inbox.find((n) => n.kind === 'OWNER_NOTICE')!;
    expect(execution.summary).toContain(notice.id);
    expect(notice).toMatchObject({
      category: 'SAFETY',
      severity: 'CRITICAL',
      deepLink: `clutch://vehicles/${vehicleId}`,
    });
    expect(notice.body.length).toBeGreaterThan(0);
  });
});
