import { errorCodes } from './client.js';
import {
  AuditLogDocument,
  CreateApiKeyDocument,
  GrantVehicleAccessDocument,
  LiveAddVehicleDocument,
  LoginDocument,
  MeDocument,
  RevokeVehicleAccessDocument,
  VehicleDtcsDocument,
  VehicleHealthDocument,
  VehicleLatestReadingsDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { registerDriver } from './live.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;

beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(async () => {
  await t.stop();
});

describe("an organisation's API key reads a vehicle only by its owner's consent", () => {
  it('FORBIDDEN without a grant; a HEALTH grant reads health but not telemetry; FORBIDDEN again at once after revocation; the authorised read is audited in identity', async () => {
    const adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
      .accessToken;
    const orgId = (await t.request(MeDocument, {}, { token: adminToken })).data!.me!.id;
    const created = (
      await t.request(
        CreateApiKeyDocument,
        { input: { name: 'insurer', scopes: ['USERS_READ'] } },
        { token: adminToken },
      )
    ).data!.createApiKey;
    const apiKey = created.key;
    const audited = async () =>
      (
        await t.request(AuditLogDocument, { type: 'VEHICLE_DATA_READ', first: 50 }, { token: adminToken })
      ).data!.auditLog.edges.map((e) => e.node);

    const driver = await registerDriver(t, 'consent-reader@clutch.test');
    const added = await t.request(
      LiveAddVehicleDocument,
      { input: { vin: '1HGCM82633A004352', make: 'Honda', model: 'Accord' } },
      { token: driver.token },
    );
    const vehicleId = added.data!.addVehicle.id;

    const refused = async () => {
      for (const document of [VehicleHealthDocument, VehicleLatestReadingsDocument] as const) {
        const answer = await t.request(document as typeof VehicleHealthDocument, { id: vehicleId }, { apiKey });
        expect(errorCodes(answer)).toContain('FORBIDDEN');
        expect(answer.data?.vehicle ?? null).toBeNull();
      }
    };

    // No grant: nothing about the vehicle, not even that it exists.
    await refused();

    const grant = await t.request(
      GrantVehicleAccessDocument,
      { vehicleId, organizationId: orgId, scopes: ['HEALTH'] },
      { token: driver.token },
    );
    expect(grant.errors).toBeUndefined();

    const health = await t.request(VehicleHealthDocument, { id: vehicleId }, { apiKey });
    expect(health.errors).toBeUndefined();
    expect(health.data!.vehicle!.id).toBe(vehicleId);

    // Telemetry was not granted: the readings and trouble codes are refused, and none are returned.
    const readings = await t.request(VehicleLatestReadingsDocument, { id: vehicleId }, { apiKey });
    expect(errorCodes(readings)).toEqual(['FORBIDDEN']);
    expect(readings.data?.vehicle?.latestReadings ?? null).toBeNull();
    const dtcs = await t.request(VehicleDtcsDocument, { id: vehicleId }, { apiKey });
    expect(errorCodes(dtcs)).toEqual(['FORBIDDEN']);
    expect(dtcs.data?.vehicle?.dtcs ?? null).toBeNull();

    // The authorised read is in identity's audit log (sent after the read, in a batch); refused ones are not.
    await waitFor(async () => (await audited()).length > 0, 'the audited read');
    const entries = await audited();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: 'VEHICLE_DATA_READ',
      userId: orgId,
      actorId: `apikey:${created.apiKey.id}`,
      detail: `HEALTH of vehicle ${vehicleId}`,
    });

    const revoked = await t.request(
      RevokeVehicleAccessDocument,
      { id: grant.data!.grantVehicleAccess.id },
      { token: driver.token },
    );
    expect(revoked.errors).toBeUndefined();
    // No wait: the next read already sees the revocation.
    await refused();
    await new Promise((r) => setTimeout(r, 400)); // past a batch: still only the one authorised read
    expect(await audited()).toHaveLength(1);
  });
});
