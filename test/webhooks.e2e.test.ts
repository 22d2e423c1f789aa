import { Webhook } from 'standardwebhooks';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../subgraphs/health/contract.js';
import { startReceiver, eventually } from '../subgraphs/notifications/webhooks/testing.js';
import { errorCodes } from './client.js';
import {
  CreateApiKeyDocument,
  CreateWebhookEndpointDocument,
  GrantVehicleAccessDocument,
  LiveAddVehicleDocument,
  LoginDocument,
  MeDocument,
  ReplayWebhookDeliveryDocument,
  RevokeVehicleAccessDocument,
  SendTestWebhookDocument,
  VehicleAccessGrantsDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, type Driver } from './live.js';

let t: TestSystem;
let adminToken: string;
let orgId: string;

beforeAll(async () => {
  t = await startTestSystem({ NOTIFY_POLL_MS: '100' });
  adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
    .accessToken;
  orgId = (await t.request(MeDocument, {}, { token: adminToken })).data!.me!.id;
});
afterAll(async () => {
  await t.stop();
});

const alert = (id: string, vehicleId: string): HealthAlertEvent => {
  const at = new Date().toISOString();
  return {
    id,
    vehicleId,
    rule: 'coolant-overheat',
    part: 'COOLING_SYSTEM',
    severity: 'CRITICAL',
    status: 'OPEN',
    message: 'Engine overheating',
    value: 118,
    threshold: 110,
    openedAt: at,
    acknowledgedAt: null,
    resolvedAt: null,
    history: [{ status: 'OPEN', at, by: null }],
  };
};

async function addVehicle(driver: Driver, vin: string) {
  const added = await t.request(
    LiveAddVehicleDocument,
    { input: { vin, make: 'Honda', model: 'Accord' } },
    { token: driver.token },
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return added.data!.addVehicle.id;
}

describe('B2B webhooks through the gateway', () => {
  it('an org admin registers an endpoint (secret shown once), gets signed events only for granted vehicles, and nothing after revocation', async () => {
    const receiver = await startReceiver();
    try {
      const created = await t.request(
        CreateWebhookEndpointDocument,
        { input: { url: receiver.url, eventTypes: ['health.alert.*'], description: 'fleet' } },
        { token: adminToken },
      );
      expect(created.errors).toBeUndefined();
      const { secret, endpoint } = created.data!.createWebhookEndpoint;
      expect(secret).toMatch(/^whsec_/);
      const listed = await t.request(WebhookEndpointsDocument, {}, { token: adminToken });
      expect(JSON.stringify(listed.data)).not.toContain(secret);

      const driver = await registerDriver(t, 'consent-driver@clutch.test');
      const vehicleId = await addVehicle(driver, '1HGCM82633A004352');

      // No grant: nothing for this vehicle.
      await t.system.deps.bus.append(HEALTH_ALERTS, alert('e2e-a1', vehicleId));
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.received).toHaveLength(0);

      const granted = await t.request(
        GrantVehicleAccessDocument,
        { vehicleId, organizationId: orgId, scopes: ['HEALTH'] },
        { token: driver.token },
      );
      expect(granted.errors).toBeUndefined();
      await t.system.deps.bus.append(HEALTH_ALERTS, alert('e2e-a2', vehicleId));
      await eventually(() => receiver.received.length === 1, 10_000, 'the granted vehicle event');
      const got = receiver.received[0]!;
      expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toMatchObject({
        type: 'health.alert.opened',
        data: { alertId: 'e2e-a2', vehicleId },
      });

      // The log, and a replay with the same webhook-id.
      const log = await t.request(
        WebhookDeliveriesDocument,
        { endpointId: endpoint.id, first: 10 },
        { token: adminToken },
      );
      const [delivery] = log.data!.webhookDeliveries.edges.map((e) => e.node);
      expect(delivery).toMatchObject({ status: 'SENT', attempts: 1, eventType: 'health.alert.opened' });
      const replayed = await t.request(ReplayWebhookDeliveryDocument, { id: delivery!.id }, { token: adminToken });
      expect(replayed.data!.replayWebhookDelivery).toMatchObject({
        status: 'SENT',
        eventId: delivery!.eventId,
        replayOf: delivery!.id,
      });
      expect(receiver.received[1]!.headers['webhook-id']).toBe(delivery!.eventId);

      const test = await t.request(SendTestWebhookDocument, { endpointId: endpoint.id }, { token: adminToken });
      expect(test.data!.sendTestWebhook).toMatchObject({
        status: 'SENT',
        eventType: 'webhook.test',
        lastStatusCode: 200,
      });

      const revoked = await t.request(
        RevokeVehicleAccessDocument,
        { id: granted.data!.grantVehicleAccess.id },
        { token: driver.token },
      );
      expect(revoked.data!.revokeVehicleAccess.revokedAt).not.toBeNull();
      const before = receiver.received.length;
      await t.system.deps.bus.append(HEALTH_ALERTS, alert('e2e-a3', vehicleId));
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.received).toHaveLength(before);
      expect(
        (await t.request(VehicleAccessGrantsDocument, { vehicleId }, { token: driver.token })).data!
          .vehicleAccessGrants,
      ).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('refuses the unauthorised and bad input with codes, storing nothing', async () => {
    const driver = await registerDriver(t, 'webhook-customer@clutch.test');
    const other = await registerDriver(t, 'webhook-stranger@clutch.test');
    const vehicleId = await addVehicle(driver, '1M8GDM9AXKP042788');
    const input = { url: 'http://127.0.0.1:9/x', eventTypes: ['order.*'] };

    expect(errorCodes(await t.request(CreateWebhookEndpointDocument, { input }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(CreateWebhookEndpointDocument, { input }, { token: driver.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(
        await t.request(
          CreateWebhookEndpointDocument,
          { input: { ...input, eventTypes: ['nope'] } },
          { token: adminToken },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await t.request(
          CreateWebhookEndpointDocument,
          { input: { ...input, url: 'http://169.254.169.254/latest' } },
          { token: adminToken },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    // An org API key reads its endpoints but does not manage them.
    const key = await t.request(
      CreateApiKeyDocument,
      { input: { name: 'erp', scopes: ['USERS_READ'] } },
      { token: adminToken },
    );
    const apiKey = key.data!.createApiKey.key;
    const byKey = await t.request(WebhookEndpointsDocument, {}, { apiKey });
    expect(byKey.errors).toBeUndefined();
    expect(byKey.data!.webhookEndpoints.every((e) => !e.url.includes('169.254'))).toBe(true);
    expect(errorCodes(await t.request(CreateWebhookEndpointDocument, { input }, { apiKey }))).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await t.request(SendTestWebhookDocument, { endpointId: '64b000000000000000000009' }, { token: adminToken }),
      ),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await t.request(ReplayWebhookDeliveryDocument, { id: 'x' }, { token: adminToken }))).toEqual([
      'BAD_USER_INPUT',
    ]);

    // Consent: only the owner grants, with at least one scope; only the granter revokes.
    expect(
      errorCodes(
        await t.request(
          GrantVehicleAccessDocument,
          { vehicleId, organizationId: orgId, scopes: ['HEALTH'] },
          { token: other.token },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await t.request(
          GrantVehicleAccessDocument,
          { vehicleId, organizationId: orgId, scopes: [] },
          { token: driver.token },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await t.request(
          GrantVehicleAccessDocument,
          { vehicleId, organizationId: orgId, scopes: ['HEALTH'] },
          { apiKey },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(
      (await t.request(VehicleAccessGrantsDocument, { vehicleId }, { token: driver.token })).data!.vehicleAccessGrants,
    ).toHaveLength(0);
    const grant = await t.request(
      GrantVehicleAccessDocument,
      { vehicleId, organizationId: orgId, scopes: ['TELEMETRY'] },
      { token: driver.token },
    );
    expect(
      errorCodes(
        await t.request(RevokeVehicleAccessDocument, { id: grant.data!.grantVehicleAccess.id }, { token: other.token }),
      ),
    ).toEqual(['NOT_FOUND']);
  });
});
