import { HEALTH_ALERTS, type HealthAlertEvent } from '../subgraphs/health/contract.js';
import { EmailCatcher } from '../subgraphs/notifications/channels/email/email-catcher.js';
import { LocalPushService } from '../subgraphs/notifications/channels/push/testing/local-push-service.js';
import { isValidVin } from '../subgraphs/vehicles/vin/vin.js';
import { errorCodes } from './client.js';
import {
  InboxDocument,
  IngestObdFramesDocument,
  LoginDocument,
  NotificationDeliveriesDocument,
  PushDevicesDocument,
  PushPublicKeyDocument,
  RegisterPushDeviceDocument,
  RemovePushDeviceDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;
let mail: EmailCatcher;
let push: LocalPushService;
let adminToken: string;

beforeAll(async () => {
  mail = new EmailCatcher();
  const smtpUrl = await mail.listen();
  t = await startTestSystem({ SMTP_URL: smtpUrl, NOTIFY_POLL_MS: '100', NOTIFY_RETRY_BASE_MS: '200' });
  // The browser subscribes with the server's VAPID key; the push service checks every request against it.
  const key = (await t.request(PushPublicKeyDocument, {})).data!.pushPublicKey!;
  push = new LocalPushService(key);
  await push.listen();
  adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
    .accessToken;
});
afterAll(async () => {
  await t.stop();
  await push.close();
  await mail.close();
});

const inbox = async (driver: Driver) => {
  const result = await t.request(InboxDocument, { first: 50 }, { token: driver.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
};
const deliveries = async (userId: string) => {
  const result = await t.request(NotificationDeliveriesDocument, { userId, first: 100 }, { token: adminToken });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.notificationDeliveries.edges.map((e) => e.node);
};
const register = async (driver: Driver | null, device: { endpoint: string; keys: { p256dh: string; auth: string } }) =>
  t.request(
    RegisterPushDeviceDocument,
    { subscription: { endpoint: device.endpoint, keys: device.keys, expirationTime: null } },
    driver ? { token: driver.token } : {},
  );

function vin(serial: number): string {
  for (const check of '0123456789X') {
    const candidate = `1HGCM8263${check}A${String(serial).padStart(6, '0')}`;
    if (isValidVin(candidate)) return candidate;
  }
  throw new Error('no check digit');
}

function alertEvent(id: string, vehicleId: string, status: 'OPEN' | 'RESOLVED'): HealthAlertEvent {
  const at = new Date().toISOString();
  return {
    id,
    vehicleId,
    rule: 'coolant-overheat',
    part: 'COOLING_SYSTEM',
    severity: 'CRITICAL',
    status,
    message: status === 'OPEN' ? 'Engine overheating: coolant at 118 °C' : 'Coolant back to 95 °C',
    value: 118,
    threshold: 110,
    openedAt: at,
    acknowledgedAt: null,
    resolvedAt: status === 'RESOLVED' ? at : null,
    history: [
      { status: 'OPEN', at, by: null },
      ...(status === 'RESOLVED' ? [{ status: 'RESOLVED' as const, at, by: null }] : []),
    ],
  };
}

describe('push and email through the gateway', () => {
  it('overheating: one inbox entry, one signed and decryptable Web Push, one email; ten flaps, no second push', async () => {
    const owner = await registerDriver(t, 'channels-overheat@example.com');
    const device = push.subscribe();
    const registered = await register(owner, device);
    expect(registered.errors).toBeUndefined();
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, vin(5301));

    const startedAt = Date.now() - 3_600_000;
    for (let s = 0; s <= 120; s += 10) {
      const result = await t.request(
        IngestObdFramesDocument,
        {
          vehicleId,
          frames: [frames.rpm(2400), frames.coolant(120)],
          recordedAt: new Date(startedAt + s * 1000).toISOString(),
        },
        { token: deviceToken },
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
    }
    await waitFor(() => push.forDevice(device.deviceId).length > 0, 'the Web Push');
    await waitFor(() => mail.messages.some((m) => m.to.includes(owner.email)), 'the email');

    const first = await inbox(owner);
    expect(first.notifications.totalCount).toBe(1);
    const entry = first.notifications.edges[0]!.node;
    expect(entry).toMatchObject({ kind: 'ALERT_OPENED', severity: 'CRITICAL' });

    // Signed (the service verified the ES256 JWT against the server's key) and decrypted with the browser's key.
    expect(push.rejected).toEqual([]);
    const [received] = push.forDevice(device.deviceId);
    expect(received!.payload).toMatchObject({
      notificationId: entry.id,
      kind: 'ALERT_OPENED',
      severity: 'CRITICAL',
      title: entry.title,
      deepLink: entry.deepLink,
    });
    expect(received!.claims.aud).toBe(new URL(device.endpoint).origin);
    expect(received!.urgency).toBe('high');

    const [email] = mail.messages.filter((m) => m.to.includes(owner.email));
    expect(email!.subject).toBe(entry.title);
    expect(email!.text).toContain('Engine overheating: coolant at 120 °C');
    expect(email!.html).toMatch(/<html[^>]*lang="en"/);

    const sent = await deliveries(owner.userId);
    expect(sent.filter((d) => d.channel === 'PUSH').map((d) => d.status)).toEqual(['SENT']);
    expect(sent.filter((d) => d.channel === 'EMAIL').map((d) => d.status)).toEqual(['SENT']);

    for (let i = 0; i < 10; i++) {
      await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent(`chan-flap-${i}`, vehicleId, 'OPEN'));
      await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent(`chan-flap-${i}`, vehicleId, 'RESOLVED'));
    }
    await waitFor(async () => (await inbox(owner)).notifications.edges[0]!.node.folds === 20, 'the flaps folded');
    // Past the worker's poll: anything queued by the flaps would have gone out by now.
    await new Promise((r) => setTimeout(r, 500));
    expect((await inbox(owner)).notifications.totalCount).toBe(1);
    expect(push.forDevice(device.deviceId)).toHaveLength(1);
    expect(mail.messages.filter((m) => m.to.includes(owner.email))).toHaveLength(1);
    const after = await deliveries(owner.userId);
    expect(after.filter((d) => d.channel === 'PUSH')).toHaveLength(1);
  });

  it('push devices: signed-in users only, bad input refused with its code, only one’s own removed', async () => {
    const alice = await registerDriver(t, 'channels-alice@example.com');
    const bob = await registerDriver(t, 'channels-bob@example.com');
    const device = push.subscribe();

    expect(errorCodes(await register(null, device))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(PushDevicesDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await register(alice, { ...device, endpoint: 'https://169.254.169.254/latest' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await register(alice, { ...device, endpoint: 'javascript:alert(1)' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await register(alice, { ...device, keys: { ...device.keys, p256dh: 'x' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect((await t.request(PushDevicesDocument, {}, { token: alice.token })).data!.pushDevices).toEqual([]);

    const ok = await register(alice, device);
    const id = ok.data!.registerPushDevice.id;
    expect(ok.data!.registerPushDevice.endpoint).toBe(device.endpoint);
    expect(errorCodes(await t.request(RemovePushDeviceDocument, { id }, { token: bob.token }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await t.request(RemovePushDeviceDocument, { id: 'nope' }, { token: bob.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect((await t.request(PushDevicesDocument, {}, { token: alice.token })).data!.pushDevices).toHaveLength(1);
    const removed = await t.request(RemovePushDeviceDocument, { id }, { token: alice.token });
    expect(removed.data!.removePushDevice.id).toBe(id);
    expect((await t.request(PushDevicesDocument, {}, { token: alice.token })).data!.pushDevices).toEqual([]);
  });
});
