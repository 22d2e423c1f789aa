import { errorCodes } from './client.js';
import {
  AcknowledgeAlertDocument,
  ClearDtcsDocument,
  FleetAlertsDocument,
  IngestObdFramesDocument,
  LiveAddVehicleDocument,
  LivePairDeviceDocument,
  LoginDocument,
  RecordServiceDocument,
  VehicleAlertsDocument,
  VehicleHealthDocument,
  VehicleHealthEstimatesDocument,
  VehicleHealthHistoryDocument,
  VehicleHealthReportDocument,
  VehicleMaintenanceDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;
let owner: Driver;
let stranger: Driver;
let adminToken: string;
let vehicleId: string;
let deviceToken: string;

const startedAt = Date.now() - 3_600_000;
const secondsIn = (s: number) => new Date(startedAt + s * 1000).toISOString();

async function upload(s: number, list: string[], token = deviceToken) {
  const result = await t.request(
    IngestObdFramesDocument,
    { vehicleId, frames: list, recordedAt: secondsIn(s) },
    { token },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.ingestObdFrames;
}
const alertsOf = async (token: string, status?: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED') =>
  t.request(VehicleAlertsDocument, { id: vehicleId, status }, { token });
const ownAlerts = async () => (await alertsOf(owner.token)).data!.vehicle!.alerts;

beforeAll(async () => {
  t = await startTestSystem();
  owner = await registerDriver(t, 'health-owner@example.com');
  stranger = await registerDriver(t, 'health-stranger@example.com');
  adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
    .accessToken;
  const added = await t.request(
    LiveAddVehicleDocument,
    { input: { vin: 'JHMCM56557C404453', make: 'Honda', model: 'Accord', year: 2024 } },
    { token: owner.token },
  );
  vehicleId = added.data!.addVehicle.id;
  const paired = await t.request(LivePairDeviceDocument, { vehicleId, serial: 'SN-HEALTH-1' }, { token: owner.token });
  deviceToken = paired.data!.pairObdDevice.deviceToken;
});
afterAll(() => t.stop());

describe('car health through the gateway', () => {
  it('raises a misfire alert and lowers the ignition part when P0301 is ingested, and resolves it when the codes are cleared', async () => {
    expect((await upload(0, [frames.misfire, frames.rpm(800)])).dtcsStored).toBe(1);
    await waitFor(async () => (await ownAlerts()).some((a) => a.rule === 'ignition-misfire'), 'the misfire alert');
    const [misfire] = (await ownAlerts()).filter((a) => a.rule === 'ignition-misfire');
    expect(misfire).toMatchObject({ severity: 'HIGH', status: 'OPEN', part: 'IGNITION', vehicle: { id: vehicleId } });
    expect(misfire.message).toContain('P0301');

    const health = (await t.request(VehicleHealthDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!
      .health;
    const ignition = health.parts.find((p) => p.part === 'IGNITION')!;
    expect(ignition.score).toBeLessThan(50);
    expect(ignition.evidence[0].message).toMatch(/P0301/);
    expect(health.troubleCodes).toEqual([
      expect.objectContaining({ code: 'P0301', status: 'ACTIVE', severity: 'HIGH' }),
    ]);

    const cleared = await t.request(ClearDtcsDocument, { vehicleId }, { token: owner.token });
    expect(cleared.data!.clearDtcs.clearedCount).toBe(1);
    await waitFor(
      async () => (await ownAlerts()).find((a) => a.id === misfire.id)?.status === 'RESOLVED',
      'the misfire alert to resolve',
    );
    const after = (await t.request(VehicleHealthDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!
      .health;
    expect(after.parts.find((p) => p.part === 'IGNITION')!.score).toBeGreaterThan(ignition.score);
  });

  it('raises one CRITICAL overheating alert from sustained 120 °C readings, and resolves it once the engine stays cool', async () => {
    for (let s = 100; s <= 220; s += 10) await upload(s, [frames.rpm(2400), frames.coolant(120)]);
    await waitFor(async () => (await ownAlerts()).some((a) => a.rule === 'coolant-overheat'), 'the overheating alert');
    for (let s = 230; s <= 300; s += 10) await upload(s, [frames.rpm(2400), frames.coolant(121)]);
    const overheats = (await ownAlerts()).filter((a) => a.rule === 'coolant-overheat');
    expect(overheats).toHaveLength(1);
    expect(overheats[0]).toMatchObject({ severity: 'CRITICAL', status: 'OPEN', value: 120, openedAt: secondsIn(130) });

    const report = (await t.request(VehicleHealthReportDocument, { id: vehicleId }, { token: owner.token })).data!
      .vehicle!.healthReport;
    expect(report.safety).toEqual({ verdict: 'NOT_SAFE', summary: 'Not safe to drive' });
    expect(report.grade).toBe('F');
    expect(report.issues[0]).toMatchObject({ severity: 'CRITICAL', source: 'ALERT' });
    expect(report.recommendations[0]).toMatchObject({ urgency: 'IMMEDIATE', part: 'COOLING_SYSTEM' });

    for (let s = 310; s <= 400; s += 10) await upload(s, [frames.rpm(2000), frames.coolant(92)]);
    await waitFor(
      async () => (await ownAlerts()).find((a) => a.id === overheats[0].id)?.status === 'RESOLVED',
      'the overheating alert to resolve',
    );

    // The health subgraph's /metrics says what its pipeline did.
    const health = t.system.subgraphs.find((s) => s.name === 'health')!;
    const metrics = await (await fetch(health.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/health_inputs_total\{[^}]*outcome="applied"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/health_alert_events_total\{[^}]*status="OPEN",delivery="direct"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/health_alert_events_total\{[^}]*status="RESOLVED",delivery="direct"[^}]*\} [1-9]/);
  });

  it("answers FORBIDDEN to a customer reading or acknowledging another customer's alerts, and changes nothing", async () => {
    for (let s = 500; s <= 560; s += 10) await upload(s, [frames.rpm(0), frames.voltage(11.2)]);
    await waitFor(
      async () => (await ownAlerts()).some((a) => a.rule === 'battery-resting-low' && a.status === 'OPEN'),
      'the battery alert',
    );
    const battery = (await ownAlerts()).find((a) => a.rule === 'battery-resting-low')!;

    const read = await alertsOf(stranger.token);
    expect(errorCodes(read)).toContain('FORBIDDEN');
    expect(JSON.stringify(read.data ?? null)).not.toContain(battery.id);
    const health = await t.request(VehicleHealthDocument, { id: vehicleId }, { token: stranger.token });
    expect(errorCodes(health)).toContain('FORBIDDEN');

    const ack = await t.request(AcknowledgeAlertDocument, { id: battery.id }, { token: stranger.token });
    expect(errorCodes(ack)).toEqual(['FORBIDDEN']);
    expect(ack.data).toBeNull();
    const byDevice = await t.request(AcknowledgeAlertDocument, { id: battery.id }, { token: deviceToken });
    expect(errorCodes(byDevice)).toEqual(['FORBIDDEN']);
    expect((await ownAlerts()).find((a) => a.id === battery.id)!.status).toBe('OPEN');

    const acknowledged = await t.request(AcknowledgeAlertDocument, { id: battery.id }, { token: owner.token });
    expect(acknowledged.data!.acknowledgeAlert).toMatchObject({
      status: 'ACKNOWLEDGED',
      history: [{ status: 'OPEN' }, { status: 'ACKNOWLEDGED' }],
    });
    expect((await alertsOf(owner.token, 'ACKNOWLEDGED')).data!.vehicle!.alerts.map((a) => a.id)).toEqual([battery.id]);
  });

  it('shows the fleet to staff only', async () => {
    const fleet = await t.request(FleetAlertsDocument, { first: 10 }, { token: adminToken });
    expect(fleet.data!.fleetAlerts.totalCount).toBe(3);
    expect(fleet.data!.fleetAlerts.edges.map((e) => e.node.rule).sort()).toEqual([
      'battery-resting-low',
      'coolant-overheat',
      'ignition-misfire',
    ]);
    expect(errorCodes(await t.request(FleetAlertsDocument, {}, { token: owner.token }))).toEqual(['FORBIDDEN']);
  });

  it('refuses bad input with BAD_USER_INPUT and stores nothing', async () => {
    expect(
      errorCodes(await t.request(AcknowledgeAlertDocument, { id: 'not-an-alert' }, { token: owner.token })),
    ).toEqual(['BAD_USER_INPUT']);
    const refused = await t.request(
      RecordServiceDocument,
      { vehicleId, kind: 'OIL_CHANGE', odometerKm: -10 },
      { token: owner.token },
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    const future = await t.request(
      RecordServiceDocument,
      { vehicleId, kind: 'OIL_CHANGE', at: new Date(Date.now() + 86_400_000).toISOString() },
      { token: owner.token },
    );
    expect(errorCodes(future)).toEqual(['BAD_USER_INPUT']);
    const foreign = await t.request(
      RecordServiceDocument,
      { vehicleId, kind: 'OIL_CHANGE' },
      { token: stranger.token },
    );
    expect(errorCodes(foreign)).toEqual(['FORBIDDEN']);
    const reversed = await t.request(
      VehicleHealthHistoryDocument,
      { id: vehicleId, from: secondsIn(100), to: secondsIn(0) },
      { token: owner.token },
    );
    expect(errorCodes(reversed)).toEqual(['BAD_USER_INPUT']);
    expect(
      (await t.request(VehicleMaintenanceDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!
        .maintenance.services,
    ).toEqual([]);
  });

  it('records an oil change, resetting oil life, and plans maintenance, estimates and history from it', async () => {
    const oilBefore = (
      await t.request(VehicleHealthDocument, { id: vehicleId }, { token: owner.token })
    ).data!.vehicle!.health.parts.find((p) => p.part === 'ENGINE_OIL')!;
    expect(oilBefore.score).toBeLessThan(100);
    const recorded = await t.request(
      RecordServiceDocument,
      { vehicleId, kind: 'OIL_CHANGE', odometerKm: 12_000 },
      { token: owner.token },
    );
    expect(recorded.data!.recordService).toMatchObject({
      kind: 'OIL_CHANGE',
      odometerKm: 12_000,
      vehicle: { id: vehicleId },
    });
    const oilAfter = (
      await t.request(VehicleHealthDocument, { id: vehicleId }, { token: owner.token })
    ).data!.vehicle!.health.parts.find((p) => p.part === 'ENGINE_OIL')!;
    expect(oilAfter.score).toBe(100);

    const plan = (await t.request(VehicleMaintenanceDocument, { id: vehicleId }, { token: owner.token })).data!.vehicle!
      .maintenance;
    expect(plan.odometerKm).toBe(12_000);
    expect(plan.services.map((s) => s.kind)).toEqual(['OIL_CHANGE']);
    expect(plan.schedule.find((s) => s.kind === 'OIL_CHANGE')).toMatchObject({
      urgency: 'ROUTINE',
      dueAtKm: expect.any(Number),
    });
    expect(plan.recommendations[0]).toMatchObject({ urgency: 'SOON', part: 'BATTERY' });

    const estimates = (await t.request(VehicleHealthEstimatesDocument, { id: vehicleId }, { token: owner.token })).data!
      .vehicle!.healthEstimates;
    // Make and model year come from the vehicles subgraph.
    expect(estimates.warranty).toMatchObject({ isEstimate: true, make: 'Honda', modelYear: 2024, odometerKm: 12_000 });
    expect(estimates.warranty.items[0]).toMatchObject({ covered: true, kmLeft: 48_000 });
    for (const estimate of [estimates.insurance, estimates.resale, estimates.roadSafety, estimates.similarVehicles]) {
      expect(estimate.isEstimate).toBe(true);
      expect(estimate.method).toMatch(/^Estimate/);
      expect(estimate.inputs.length).toBeGreaterThan(0);
    }
    expect(estimates.roadSafety.verdict).toBe('CAUTION');
    expect(estimates.similarVehicles.sampleSize).toBe(0);

    const history = await t.request(
      VehicleHealthHistoryDocument,
      { id: vehicleId, from: secondsIn(-86_400), to: new Date().toISOString() },
      { token: owner.token },
    );
    expect(history.data!.vehicle!.healthHistory.length).toBeGreaterThan(0);
  });
});
