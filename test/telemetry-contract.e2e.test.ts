import { deadLetterStream, type DeadLetter } from '../platform/events/bus.js';
import { OPS_ALERTS_STREAM, type OpsAlert } from '../platform/events/ops-alerts.js';
import { MAX_DTC_CODES_PER_REPORT, TELEMETRY_DTCS } from '../subgraphs/telemetry/contract.js';
import { adminToken } from './agents.js';
import { errorCodes } from './client.js';
import {
  IngestObdFramesDocument,
  RunAutonomousTickDocument,
  TriggerFiringsDocument,
  VehicleAlertsDocument,
  VehicleHealthDocument,
  VehicleLatestReadingsDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames, manufacturerCodes, storedCodeFrames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

/*
 * Telemetry and health share one contract for the events between them (subgraphs/telemetry/
 * contract.ts): what telemetry stores, health assesses; what telemetry cannot announce within
 * the contract, it refuses before storing; and an event health cannot read is dead-lettered,
 * counted on health's /metrics and raised as an ops alert the agents act on.
 */

let t: TestSystem;
let owner: Driver;
let admin: string;

beforeAll(async () => {
  // Ticks only when woken or asked: the ops alert below must reach the agents by itself.
  t = await startTestSystem({ AGENTS_MODE: 'DRY_RUN', AGENTS_LOOP_INTERVAL_SECONDS: '3600' });
  owner = await registerDriver(t, 'contract-owner@example.com');
  admin = await adminToken(t);
}, 60_000);
afterAll(() => t?.stop());

const healthOf = async (vehicleId: string) =>
  (await t.request(VehicleHealthDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!.health;
const alertsOf = async (vehicleId: string) =>
  (await t.request(VehicleAlertsDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!.alerts;
const storedCodes = (vehicleId: string) =>
  t.system.deps.mongo.db('telemetry').collection('dtcs').countDocuments({ vehicleId });
const healthMetrics = async () => {
  const health = t.system.subgraphs.find((s) => s.name === 'health')!;
  return (await fetch(health.url.replace(/\/graphql$/, '/metrics'))).text();
};

/** Everything on `stream` from its start, as a new consumer group sees it. */
function readStream<T>(stream: string): T[] {
  const seen: T[] = [];
  t.system.deps.bus.consume<T>(stream, `test-${Date.now()}`, 'c', (e) => void seen.push(e.payload), { blockMs: 50 });
  return seen;
}

describe('a DTC batch beyond 500 codes (issue 9, defect 2)', () => {
  it('is stored and assessed: 600 codes with a critical one raise the CRITICAL alert and the grade drops from A', async () => {
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82633A004352');
    expect((await healthOf(vehicleId)).grade).toBe('A');

    // Engine over temperature (P0217, CRITICAL) among 599 manufacturer codes, in ten ECU replies.
    const codes = [...manufacturerCodes(599), 'P0217'];
    const result = await t.request(
      IngestObdFramesDocument,
      { vehicleId, frames: storedCodeFrames(codes) },
      { token: deviceToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.ingestObdFrames).toMatchObject({ accepted: 10, rejected: 0, dtcsStored: 600 });
    expect(await storedCodes(vehicleId)).toBe(600);

    await waitFor(
      async () => (await alertsOf(vehicleId)).some((a) => a.rule === 'critical-dtc' && a.status === 'OPEN'),
      'the critical trouble-code alert',
      20_000,
    );
    const critical = (await alertsOf(vehicleId)).find((a) => a.rule === 'critical-dtc')!;
    expect(critical).toMatchObject({ severity: 'CRITICAL', status: 'OPEN' });
    expect(critical.message).toContain('P0217');
    const health = await healthOf(vehicleId);
    expect(health.troubleCodes).toHaveLength(600);
    expect(health.troubleCodes[0]).toMatchObject({ code: 'P0217', severity: 'CRITICAL', status: 'ACTIVE' });
    expect(health.grade).toBe('F');
    // Nothing was thrown away on the way.
    expect(await healthMetrics()).not.toMatch(/events_dead_lettered_total\{[^}]*stream="telemetry\.dtcs"/);
  }, 60_000);

  it(`is refused whole with BAD_USER_INPUT beyond one scan (${MAX_DTC_CODES_PER_REPORT} codes of a mode), and nothing is stored`, async () => {
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1M8GDM9AXKP042788');
    const codes = [...manufacturerCodes(MAX_DTC_CODES_PER_REPORT), 'P0217'];
    const result = await t.request(
      IngestObdFramesDocument,
      { vehicleId, frames: [frames.rpm(900), ...storedCodeFrames(codes)] },
      { token: deviceToken },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/2041 distinct confirmed trouble codes.*at most 2040/);
    expect(result.data?.ingestObdFrames).toBeFalsy();

    expect(await storedCodes(vehicleId)).toBe(0);
    const latest = await t.request(VehicleLatestReadingsDocument, { id: vehicleId }, { token: owner.token });
    expect(latest.data!.vehicle!.latestReadings).toEqual([]);
    // Health saw nothing either: no event went out.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await healthOf(vehicleId)).troubleCodes).toEqual([]);
    expect(await alertsOf(vehicleId)).toEqual([]);
  });
});

describe('one upload with replies of several modes', () => {
  it('raises the alert of a critical code in its second reply (each mode is an event, all at one time)', async () => {
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82673A004399');
    // Mode 03: P0301 (misfire, HIGH); mode 0A: P0217 (engine over temperature, CRITICAL).
    const upload = await t.request(
      IngestObdFramesDocument,
      { vehicleId, frames: [frames.misfire, '4A 01 02 17'] },
      { token: deviceToken },
    );
    expect(upload.data!.ingestObdFrames).toMatchObject({ accepted: 2, dtcsStored: 2 });
    await waitFor(
      async () => (await alertsOf(vehicleId)).some((a) => a.rule === 'critical-dtc'),
      'the critical trouble-code alert',
    );
    expect((await alertsOf(vehicleId)).map((a) => [a.rule, a.status]).sort()).toEqual([
      ['critical-dtc', 'OPEN'],
      ['ignition-misfire', 'OPEN'],
    ]);
  });
});

describe('an event health cannot read', () => {
  it('goes to telemetry.dtcs.dead-letter, is counted on /metrics, and raises an ops alert the agents act on', async () => {
    const malformed = { vehicleId: 'veh-x', mode: 'confirmed', codes: ['NOT-A-CODE'], recordedAt: 'yesterday' };
    const id = await t.system.deps.bus.append(TELEMETRY_DTCS, malformed);

    // Every group that reads the stream dead-letters it on its own (B2B webhooks read DTCs too): health's is the one here.
    const dead = readStream<DeadLetter>(deadLetterStream(TELEMETRY_DTCS));
    const healths = (d: { id?: string; eventId?: string; group: string }) =>
      (d.id ?? d.eventId) === id && d.group === 'health';
    await waitFor(() => dead.some(healths), 'the dead letter');
    expect(dead.find(healths)).toMatchObject({
      stream: TELEMETRY_DTCS,
      group: 'health',
      reason: 'invalid',
      detail: expect.stringContaining('codes.0'),
      data: JSON.stringify(malformed),
    });
    expect(await healthMetrics()).toMatch(
      /events_dead_lettered_total\{[^}]*stream="telemetry\.dtcs",group="health",reason="invalid"[^}]*\} 1\n/,
    );

    const alerts = readStream<OpsAlert>(OPS_ALERTS_STREAM);
    await waitFor(() => alerts.some(healths), 'the ops alert');
    expect(alerts.find(healths)).toMatchObject({
      kind: 'event_dead_lettered',
      severity: 'HIGH',
      stream: TELEMETRY_DTCS,
      group: 'health',
      reason: 'invalid',
      deadLetterStream: 'telemetry.dtcs.dead-letter',
    });

    // B2B webhooks cannot read it either and raise their own: one alert per group, nothing else.
    const groups = () => alerts.filter((a) => a.eventId === id).map((a) => a.group);
    await waitFor(() => groups().length === 2, "the webhooks' ops alert");
    expect(groups().sort()).toEqual(['health', 'notifications-webhooks']);

    // The agents record them and their ops_alerts trigger fires (on the tick the alert woke, or this one).
    const firings = async () => {
      await t.request(RunAutonomousTickDocument, {}, { token: admin });
      return (await t.request(TriggerFiringsDocument, { kind: 'ops_alerts' }, { token: admin })).data!.triggerFirings;
    };
    await waitFor(async () => (await firings()).totalCount === 1, 'the ops_alerts trigger to fire');
    const firing = (await firings()).edges[0].node;
    expect(firing).toMatchObject({ kind: 'ops_alerts', category: 'errors', metric: 'ops_alerts_last_hour' });
    // It fires once, with the count it saw: the tick the first alert woke may come before the second one.
    expect([1, 2]).toContain(firing.value);
  }, 30_000);
});
