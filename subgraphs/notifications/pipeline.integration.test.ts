import { useScratchDatabase } from '../../test/scratch-database.js';
import { FakeSmsServer } from './channels/sms/fake-sms-server.js';
import { HttpSmsProvider } from './channels/sms/sms-provider.js';
import { SmsChannel } from './channels/sms/sms.channel.js';
import { DeliveryWorker } from './deliveries/delivery-worker.js';
import type { NotificationRequest } from './dispatch/dispatcher.js';
import { DEFAULT_PREFERENCES } from './preferences/policy.js';
import { manualClock, quiet, ScriptedChannel, testPipeline, TEST_SETTINGS } from './testing/pipeline-harness.js';

const db = useScratchDatabase('notifications_pipeline');

const alert = (userId: string, n: number, over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  sourceKey: `alert:a${n}:1:OPEN`,
  userIds: [userId],
  category: 'SAFETY',
  kind: 'ALERT_OPENED',
  severity: 'HIGH',
  foldKey: 'alert:v1:coolant-overheat',
  vars: { alertId: `a${n}`, vehicleId: 'v1', message: 'Coolant at 118 °C', severity: 'HIGH' },
  ...over,
});
const booking = (userId: string, n: number): NotificationRequest => ({
  sourceKey: `booking:b${n}:CONFIRMED`,
  userIds: [userId],
  category: 'BOOKINGS',
  kind: 'BOOKING_CHANGED',
  severity: 'INFO',
  vars: { bookingId: `b${n}`, service: 'BRAKES', status: 'CONFIRMED', slotStart: '2026-03-11T09:00:00Z' },
});

describe('the delivery pipeline', () => {
  it('a redelivered source event leaves one inbox entry and one delivery per channel', async () => {
    const push = new ScriptedChannel('PUSH');
    const p = await testPipeline(db(), { channels: [() => push] });
    try {
      const first = await p.dispatcher.dispatch(booking('u-redeliver', 1));
      const again = await p.dispatcher.dispatch(booking('u-redeliver', 1));
      await p.worker.idle();
      expect(again[0]!.notificationId).toBe(first[0]!.notificationId);
      expect(await p.notifications.forUser('u-redeliver')).toHaveLength(1);
      for (const channel of ['IN_APP', 'PUSH', 'EMAIL'] as const)
        expect(await p.deliveries.byUserAndChannel('u-redeliver', channel)).toHaveLength(1);
      expect(push.attempts).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  it('folds a flapping alert into one entry with one push per window, and opens a new window after it', async () => {
    const clock = manualClock();
    const push = new ScriptedChannel('PUSH');
    const p = await testPipeline(db(), { channels: [() => push], clock: clock.now });
    try {
      // Two instances handling two flaps at the same moment still open one window.
      await Promise.all([p.dispatcher.dispatch(alert('u-flap', 1)), p.dispatcher.dispatch(alert('u-flap', 2))]);
      for (let n = 3; n <= 10; n++) {
        clock.advance(60_000);
        await p.dispatcher.dispatch(alert('u-flap', n, { kind: n % 2 ? 'ALERT_OPENED' : 'ALERT_RESOLVED' }));
      }
      await p.worker.idle();
      const [entry, ...others] = await p.notifications.forUser('u-flap');
      expect(others).toEqual([]);
      expect(entry!.foldedSources).toHaveLength(9);
      expect(entry!.kind).toBe('ALERT_RESOLVED');
      expect(push.attempts).toHaveLength(1);

      clock.advance(TEST_SETTINGS.dedupeWindowMs);
      await p.dispatcher.dispatch(alert('u-flap', 11));
      await p.worker.idle();
      expect(await p.notifications.forUser('u-flap')).toHaveLength(2);
      expect(push.attempts).toHaveLength(2);
    } finally {
      await p.close();
    }
  });

  it('sends marketing only to users who opted in, each message with its signed unsubscribe link', async () => {
    const p = await testPipeline(db());
    try {
      await p.preferences.save(
        'u-opted-in',
        { ...DEFAULT_PREFERENCES, locale: 'ar', channels: { ...DEFAULT_PREFERENCES.channels, MARKETING: ['EMAIL'] } },
        new Date(),
        'user',
      );
      await p.dispatcher.dispatch({
        sourceKey: 'campaign:spring',
        userIds: ['u-opted-in', 'u-default'],
        category: 'MARKETING',
        kind: 'MARKETING',
        severity: 'INFO',
        vars: { campaign: 'spring', headline: 'Spring offer', body: 'Brakes -20%' },
      });
      expect(await p.deliveries.byUserAndChannel('u-default', 'EMAIL')).toEqual([]);
      const [email] = await p.deliveries.byUserAndChannel('u-opted-in', 'EMAIL');
      const url = email!.message.unsubscribeUrl!;
      expect(url).toMatch(/^https:\/\/app\.clutch\.test\/unsubscribe\?token=/);
      expect(email!.message.html).toContain('dir="rtl"');
      expect(email!.message.html).toContain(url.replace(/&/g, '&amp;'));
      expect(email!.message.text).toContain(url);
      expect(p.unsubscribe.verify(new URL(url).searchParams.get('token')!)).toBe('u-opted-in');
    } finally {
      await p.close();
    }
  });

  it('suppresses interrupting deliveries past the hourly cap, but never a CRITICAL safety alert', async () => {
    const clock = manualClock();
    const push = new ScriptedChannel('PUSH');
    const p = await testPipeline(db(), { channels: [() => push], clock: clock.now, settings: { hourlyCap: 2 } });
    try {
      for (let n = 1; n <= 3; n++) await p.dispatcher.dispatch(booking('u-cap', n));
      const critical = await p.dispatcher.dispatch(alert('u-cap', 1, { severity: 'CRITICAL', foldKey: 'alert:v9:x' }));
      await p.worker.idle();
      const pushes = await p.deliveries.byUserAndChannel('u-cap', 'PUSH');
      expect(pushes.map((d) => d.status).sort()).toEqual(['SENT', 'SENT', 'SENT', 'SUPPRESSED']);
      expect(pushes.find((d) => d.status === 'SUPPRESSED')).toMatchObject({
        kind: 'BOOKING_CHANGED',
        lastError: 'hourly cap',
      });
      // Claimed at once by this instance, to be sent now.
      expect(critical[0]!.deliveries.find((d) => d.channel === 'PUSH')?.status).toBe('SENDING');
      // The inbox keeps all four: the cap limits interruptions, not the record.
      expect(await p.notifications.forUser('u-cap')).toHaveLength(4);
      // The next hour counts afresh.
      clock.advance(3_600_000);
      await p.dispatcher.dispatch(booking('u-cap', 4));
      await p.worker.idle();
      expect((await p.deliveries.byUserAndChannel('u-cap', 'PUSH')).filter((d) => d.status === 'SENT')).toHaveLength(4);
    } finally {
      await p.close();
    }
  });

  it('retries a retryable failure with backoff, kills a permanent one at once, and gives up after the last attempt', async () => {
    const clock = manualClock();
    const push = new ScriptedChannel('PUSH');
    const p = await testPipeline(db(), { channels: [() => push], clock: clock.now });
    try {
      push.script.push(
        { status: 'retry', reason: 'push service 503' },
        { status: 'retry', reason: 'push service 503' },
      );
      await p.dispatcher.dispatch(booking('u-retry', 1));
      await p.worker.idle();
      let [d] = await p.deliveries.byUserAndChannel('u-retry', 'PUSH');
      expect(d).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'push service 503' });
      const wait = d!.nextAttemptAt.getTime() - clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(500);
      expect(wait).toBeLessThanOrEqual(1_000);
      await p.worker.poll(); // not due yet
      expect(push.attempts).toHaveLength(1);
      clock.advance(1_000);
      await p.worker.poll();
      [d] = await p.deliveries.byUserAndChannel('u-retry', 'PUSH');
      expect(d).toMatchObject({ status: 'FAILED', attempts: 2 });
      expect(d!.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(1_000);
      clock.advance(2_000);
      await p.worker.poll();
      [d] = await p.deliveries.byUserAndChannel('u-retry', 'PUSH');
      expect(d).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });
      expect(d!.history.map((h) => h.status)).toEqual(['QUEUED', 'FAILED', 'FAILED', 'SENT']);

      push.script.push({ status: 'permanent', reason: 'subscription gone (410)' });
      await p.dispatcher.dispatch(booking('u-permanent', 1));
      await p.worker.idle();
      expect((await p.deliveries.byUserAndChannel('u-permanent', 'PUSH'))[0]).toMatchObject({
        status: 'DEAD',
        attempts: 1,
        lastError: 'subscription gone (410)',
      });

      push.script.push(...Array.from({ length: 4 }, () => ({ status: 'retry' as const, reason: 'down' })));
      await p.dispatcher.dispatch(booking('u-dead', 1));
      await p.worker.idle();
      for (let i = 0; i < 4; i++) {
        clock.advance(60_000);
        await p.worker.poll();
      }
      expect((await p.deliveries.byUserAndChannel('u-dead', 'PUSH'))[0]).toMatchObject({ status: 'DEAD', attempts: 4 });
    } finally {
      await p.close();
    }
  });

  it('a provider outage queues, and each message goes out exactly once when it is back', async () => {
    const clock = manualClock();
    const sms = new FakeSmsServer();
    const provider = new HttpSmsProvider({ url: await sms.listen() });
    const p = await testPipeline(db(), {
      clock: clock.now,
      channels: [(kit) => new SmsChannel(provider, kit.preferences)],
      settings: { delivery: { ...TEST_SETTINGS.delivery, maxAttempts: 20 } },
    });
    try {
      await p.preferences.save('u-outage', { ...DEFAULT_PREFERENCES, smsNumber: '+971500000010' }, clock.now(), null);
      sms.down();
      for (let n = 1; n <= 5; n++) await p.dispatcher.dispatch(alert('u-outage', n, { foldKey: `alert:v${n}:x` }));
      await p.worker.idle();
      for (let i = 0; i < 3; i++) {
        clock.advance(60_000);
        await p.worker.poll();
      }
      const waiting = await p.deliveries.byUserAndChannel('u-outage', 'SMS');
      expect(waiting.map((d) => d.status)).toEqual(Array(5).fill('FAILED'));
      expect(sms.messages).toHaveLength(0);

      sms.up();
      clock.advance(60_000);
      await p.worker.poll();
      await p.worker.poll();
      const delivered = await p.deliveries.byUserAndChannel('u-outage', 'SMS');
      expect(delivered.map((d) => d.status)).toEqual(Array(5).fill('SENT'));
      expect(sms.messages).toHaveLength(5);
      expect(new Set(sms.messages.map((m) => m.idempotencyKey)).size).toBe(5);
    } finally {
      await p.close();
      await sms.close();
    }
  });

  it('two workers never send one delivery twice, and a dead worker’s claim is taken over after its lease', async () => {
    const clock = manualClock();
    const push = new ScriptedChannel('PUSH');
    const p = await testPipeline(db(), { channels: [() => push], clock: clock.now });
    const second = new DeliveryWorker(
      p.deliveries,
      p.channels,
      p.preferences,
      TEST_SETTINGS.delivery,
      quiet,
      p.metrics,
      clock.now,
    );
    try {
      // Queued while the push channel was not there (as before it is deployed): nothing kicked it.
      const users = Array.from({ length: 40 }, (_, i) => `u-race-${i}`);
      const noPush = await testPipeline(db(), { clock: clock.now });
      for (const u of users) await noPush.dispatcher.dispatch(booking(u, 1));
      await noPush.worker.idle();
      await noPush.close();
      await Promise.all([p.worker.poll(), second.poll()]);
      const raced = () => push.attempts.filter((a) => a.userId.startsWith('u-race-'));
      expect(raced()).toHaveLength(40);
      expect(new Set(raced().map((a) => a.id)).size).toBe(40);

      // A claim whose worker died: nobody settles it until the lease runs out.
      await noPushDispatch();
      const [queued] = await p.deliveries.byUserAndChannel('u-lease', 'PUSH');
      const claimed = await p.deliveries.claim(queued!._id, clock.now(), TEST_SETTINGS.delivery.leaseMs);
      expect(claimed).toMatchObject({ status: 'SENDING', attempts: 1 });
      const leased = () => push.attempts.filter((a) => a.userId === 'u-lease');
      await second.poll();
      expect(leased()).toHaveLength(0);
      clock.advance(TEST_SETTINGS.delivery.leaseMs);
      await second.poll();
      expect(leased()).toHaveLength(1);
      expect((await p.deliveries.byUserAndChannel('u-lease', 'PUSH'))[0]).toMatchObject({
        status: 'SENT',
        attempts: 2,
      });
    } finally {
      await second.stop();
      await p.close();
    }

    async function noPushDispatch() {
      const q = await testPipeline(db(), { clock: clock.now });
      await q.dispatcher.dispatch(booking('u-lease', 1));
      await q.worker.idle();
      await q.close();
    }
  });
});

describe('bookkeeping retention', () => {
  it('deletes flap windows closed and cap counters older than a day, and nothing newer', async () => {
    const clock = manualClock();
    const p = await testPipeline(db(), { clock: clock.now });
    try {
      await p.folds.claim('u-old', 'alert:v:r', 's1', clock.now(), 60_000);
      await p.caps.take('u-old', clock.now(), 10);
      clock.advance(2 * 86_400_000);
      await p.folds.claim('u-new', 'alert:v:r', 's2', clock.now(), 60_000);
      await p.caps.take('u-new', clock.now(), 10);
      await p.retention.runOnce();
      const ours = (id: unknown) => /^u-(old|new)\|/.test(String(id));
      const folds = (await db().collection('notification_folds').find({}).toArray()).filter((f) => ours(f._id));
      const caps = (await db().collection('notification_caps').find({}).toArray()).filter((c) => ours(c._id));
      expect(folds.map((f) => String(f._id))).toEqual(['u-new|alert:v:r']);
      expect(caps.map((c) => String(c._id).split('|')[0])).toEqual(['u-new']);
    } finally {
      await p.close();
    }
  });
});
