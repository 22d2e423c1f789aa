import { errorCodes } from './client.js';
import {
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

let t: TestSystem;

beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(async () => {
  await t.stop();
});

describe("an organisation's API key reads a vehicle only by its owner's consent", () => {
  it('FORBIDDEN without a grant; a HEALTH grant reads health but not telemetry; FORBIDDEN again at once after revocation', async () => {
    const adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!
      .login.accessToken;
    const orgId = (await t.request(MeDocument, {}, { token: adminToken })).data!.me!.id;
    const apiKey = (
      await t.request(CreateApiKeyDocument, { input: { name: 'insurer', scopes: ['USERS_READ'] } }, { token: adminToken })
    ).data!.createApiKey.key;

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

    const revoked = await t.request(
      RevokeVehicleAccessDocument,
      { id: grant.data!.grantVehicleAccess.id },
      { token: driver.token },
    );
    expect(revoked.errors).toBeUndefined();
    // No wait: the next read already sees the revocation.
    await refused();
  });
});
