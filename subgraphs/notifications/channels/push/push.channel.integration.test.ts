import webPush from 'web-push';
import { useScratchDatabase } from '../../../../test/scratch-database.js';
import { ErrorCode } from '../../../../platform/errors.js';
import type { NotificationRequest } from '../../dispatch/dispatcher.js';
import { quiet, testPipeline } from '../../testing/pipeline-harness.js';
import { PushDeviceStore } from './push-device.store.js';
import { PushDevices } from './push-devices.js';
import { PushChannel } from './push.channel.js';
import { LocalPushService } from './testing/local-push-service.js';

const db = useScratchDatabase('notifications_push');

const alert = (userId: string, n: number): NotificationRequest => ({
  sourceKey: `alert:p${n}:1:OPEN`,
  userIds: [userId],
  category: 'SAFETY',
  kind: 'ALERT_OPENED',
  severity: 'CRITICAL',
  foldKey: `alert:pv${n}:coolant-overheat`,
  vars: { alertId: `p${n}`, vehicleId: `pv${n}`, message: 'Coolant at 118 °C', severity: 'CRITICAL' },
});

describe('the Web Push channel', () => {
  const vapid = { ...webPush.generateVAPIDKeys(), subject: 'mailto:ops@clutch.example' };
  let service: LocalPushService;
  beforeEach(async () => {
    service = new LocalPushService(vapid.publicKey);
    await service.listen();
  });
  afterEach(() => service.close());

  async function setup() {
    const store = new PushDeviceStore(db());
    await store.init();
    const devices = new PushDevices(store, vapid.publicKey, { allowLoopback: true, maxPerUser: 2 });
    const channel = new PushChannel(store, vapid, { allowLoopback: true, ttlSeconds: 600, timeoutMs: 2_000 }, quiet);
    const p = await testPipeline(db(), { channels: [() => channel] });
    return { store, devices, p };
  }

  it('pushes a signed (VAPID ES256) and encrypted (aes128gcm) message the push service verifies and decrypts', async () => {
    const { devices, p } = await setup();
    try {
      const sub = service.subscribe();
      await devices.register('u-push', { endpoint: sub.endpoint, ...sub.keys });
      const [dispatched] = await p.dispatcher.dispatch(alert('u-push', 1));
      await p.worker.idle();
      expect(service.rejected).toEqual([]);
      const [push] = service.forDevice(sub.deviceId);
      expect(push!.payload).toMatchObject({
        notificationId: dispatched!.notificationId,
        kind: 'ALERT_OPENED',
        severity: 'CRITICAL',
        deepLink: 'clutch://vehicles/pv1/alerts/p1',
      });
      expect(push!.payload.data).toMatchObject({ vehicleId: 'pv1' });
      expect(push!.claims.sub).toBe('mailto:ops@clutch.example');
      expect(push).toMatchObject({ ttl: 600, urgency: 'high' });
      const [delivery] = await p.deliveries.byUserAndChannel('u-push', 'PUSH');
      expect(delivery!.status).toBe('SENT');
    } finally {
      await p.close();
    }
  });

  it('a push service that does not know the signing key refuses it: the delivery is not SENT', async () => {
    const other = new LocalPushService(webPush.generateVAPIDKeys().publicKey);
    await other.listen();
    const { devices, p } = await setup();
    try {
      const sub = other.subscribe();
      await devices.register('u-wrong-key', { endpoint: sub.endpoint, ...sub.keys });
      await p.dispatcher.dispatch(alert('u-wrong-key', 2));
      await p.worker.idle();
      expect(other.received).toEqual([]);
      expect(other.rejected[0]!.reason).toBe('not the expected VAPID key');
      const [delivery] = await p.deliveries.byUserAndChannel('u-wrong-key', 'PUSH');
      expect(delivery!.status).toBe('DEAD');
    } finally {
      await p.close();
      await other.close();
    }
  });

  it('410 Gone removes the device; other devices still get the push', async () => {
    const { devices, store, p } = await setup();
    try {
      const gone = service.subscribe();
      const kept = service.subscribe();
      await devices.register('u-gone', { endpoint: gone.endpoint, ...gone.keys });
      await devices.register('u-gone', { endpoint: kept.endpoint, ...kept.keys });
      service.answer(gone.deviceId, 410);
      await p.dispatcher.dispatch(alert('u-gone', 3));
      await p.worker.idle();
      expect((await store.byUser('u-gone')).map((d) => d.endpoint)).toEqual([kept.endpoint]);
      expect(service.forDevice(kept.deviceId)).toHaveLength(1);
      const [delivery] = await p.deliveries.byUserAndChannel('u-gone', 'PUSH');
      expect(delivery!.status).toBe('SENT');
    } finally {
      await p.close();
    }
  });

  it('a 5xx from the push service is retried; with no device left the delivery is DEAD at once', async () => {
    const { devices, p } = await setup();
    try {
      const sub = service.subscribe();
      await devices.register('u-5xx', { endpoint: sub.endpoint, ...sub.keys });
      service.answer(sub.deviceId, 503);
      await p.dispatcher.dispatch(alert('u-5xx', 4));
      await p.worker.idle();
      const [failed] = await p.deliveries.byUserAndChannel('u-5xx', 'PUSH');
      expect(failed).toMatchObject({ status: 'FAILED' });
      expect(failed!.lastError).toContain('503');

      await p.dispatcher.dispatch(alert('u-nodevice', 5));
      await p.worker.idle();
      const [dead] = await p.deliveries.byUserAndChannel('u-nodevice', 'PUSH');
      expect(dead).toMatchObject({ status: 'DEAD' });
    } finally {
      await p.close();
    }
  });

  it('registration refuses bad keys, non-https and private endpoints (BAD_USER_INPUT) and stores nothing', async () => {
    const store = new PushDeviceStore(db());
    await store.init();
    const production = new PushDevices(store, vapid.publicKey, { allowLoopback: false, maxPerUser: 2 });
    const sub = service.subscribe();
    const refused = async (input: { endpoint: string; p256dh: string; auth: string }, devices = production) => {
      const error = await devices.register('u-refused', input).catch((e: { extensions: { code: string } }) => e);
      return (error as { extensions: { code: string } }).extensions.code;
    };
    for (const endpoint of [
      sub.endpoint, // loopback, under the production setting
      'https://127.0.0.1/push/x',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.8/push',
      'https://[::1]/push',
      'http://push.example.com/x', // public name, but not https (and not resolvable here either)
      'ftp://push.example.com/x',
      'not a url',
    ])
      expect(await refused({ endpoint, ...sub.keys })).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await refused({ endpoint: sub.endpoint, p256dh: 'AAAA', auth: sub.keys.auth })).toBe(
      ErrorCode.BAD_USER_INPUT,
    );
    expect(await refused({ endpoint: sub.endpoint, ...sub.keys, auth: 'short' })).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await store.byUser('u-refused')).toEqual([]);

    const dev = new PushDevices(store, vapid.publicKey, { allowLoopback: true, maxPerUser: 1 });
    await dev.register('u-refused', { endpoint: sub.endpoint, ...sub.keys });
    const second = service.subscribe();
    expect(await refused({ endpoint: second.endpoint, ...second.keys }, dev)).toBe(ErrorCode.CONFLICT);
    const off = new PushDevices(store, null, { allowLoopback: true, maxPerUser: 1 });
    expect(await refused({ endpoint: second.endpoint, ...second.keys }, off)).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(await store.byUser('u-refused')).toHaveLength(1);
  });
});
