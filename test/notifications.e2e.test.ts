import type { Client } from 'graphql-ws';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../subgraphs/health/contract.js';
import { BOOKING_CHANGED } from '../subgraphs/marketplace/contract.js';
import { FakeSmsServer } from '../subgraphs/notifications/channels/sms/fake-sms-server.js';
import { UnsubscribeTokens } from '../subgraphs/notifications/unsubscribe/token.js';
import { isValidVin } from '../subgraphs/vehicles/vin/vin.js';
import { driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import { errorCodes } from './client.js';
import {
  ConfirmBookingDocument,
  InboxDocument,
  IngestObdFramesDocument,
  LoginDocument,
  MarkNotificationsReadDocument,
  NotificationDeliveriesDocument,
  NotificationPreferencesDocument,
  RequestBookingDocument,
  UnsubscribeMarketingDocument,
  UpdateNotificationPreferencesDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { collect, liveClient, registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

const LIVE_INBOX = `subscription { notifications { id kind severity title deepLink folds } }`;

let t: TestSystem;
let sms: FakeSmsServer;
let adminToken: string;
const clients: Client[] = [];

beforeAll(async () => {
  sms = new FakeSmsServer();
  const smsUrl = await sms.listen();
  t = await startTestSystem({ SMS_PROVIDER_URL: smsUrl, NOTIFY_POLL_MS: '100', NOTIFY_RETRY_BASE_MS: '200' });
  adminToken = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
    .accessToken;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
  await sms.close();
});

const inbox = async (driver: Driver, unreadOnly?: boolean) => {
  const result = await t.request(InboxDocument, { unreadOnly, first: 50 }, { token: driver.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
};
const deliveries = async (userId: string) => {
  const result = await t.request(NotificationDeliveriesDocument, { userId, first: 100 }, { token: adminToken });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.notificationDeliveries.edges.map((e) => e.node);
};
const setPreferences = async (driver: Driver, input: Parameters<typeof t.request<unknown, { input: object }>>[1]) => {
  const result = await t.request(UpdateNotificationPreferencesDocument, input as never, { token: driver.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.updateNotificationPreferences;
};

/** What health appends for one alert transition (the contract's schema). */
function alertEvent(
  id: string,
  vehicleId: string,
  status: 'OPEN' | 'RESOLVED',
  at: Date,
  severity: HealthAlertEvent['severity'] = 'CRITICAL',
): HealthAlertEvent {
  const openedAt = at.toISOString();
  return {
    id,
    vehicleId,
    rule: 'coolant-overheat',
    part: 'COOLING_SYSTEM',
    severity,
    status,
    message: status === 'OPEN' ? 'Engine overheating: coolant at 118 °C' : 'Coolant back to 95 °C',
    value: 118,
    threshold: 110,
    openedAt,
    acknowledgedAt: null,
    resolvedAt: status === 'RESOLVED' ? openedAt : null,
    history:
      status === 'OPEN'
        ? [{ status: 'OPEN', at: openedAt, by: null }]
        : [
            { status: 'OPEN', at: openedAt, by: null },
            { status: 'RESOLVED', at: openedAt, by: null },
          ],
  };
}

/** A valid VIN (its check digit computed) ending in `serial` (six digits). */
function vin(serial: number): string {
  for (const check of '0123456789X') {
    const candidate = `1HGCM8263${check}A${String(serial).padStart(6, '0')}`;
    if (isValidVin(candidate)) return candidate;
  }
  throw new Error('no check digit');
}

/** Quiet hours from an hour ago to an hour from now, in UTC: now is inside them. */
function quietNow() {
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  return { start: hhmm(new Date(Date.now() - 3_600_000)), end: hhmm(new Date(Date.now() + 3_600_000)) };
}

describe('notifications through the gateway', () => {
  it('an overheating alert gives the owner exactly one inbox entry, live, and one push delivery; ten flaps fold into it', async () => {
    const owner = await registerDriver(t, 'notify-overheat@example.com');
    const stranger = await registerDriver(t, 'notify-stranger@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, vin(4352));
    await setPreferences(owner, { input: { smsNumber: '+971500000001' } });
    const client = liveClient(t.url, owner.token);
    clients.push(client);
    const live = collect(client, LIVE_INBOX, {});
    await waitFor(() => t.system.gateway.subscriptions.stats.subscribers >= 1, 'the live inbox subscription');

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
    await waitFor(async () => (await inbox(owner)).notifications.totalCount > 0, 'the inbox entry');
    const first = await inbox(owner);
    expect(first.notifications.totalCount).toBe(1);
    expect(first.unreadNotificationCount).toBe(1);
    const entry = first.notifications.edges[0]!.node;
    expect(entry).toMatchObject({
      category: 'SAFETY',
      kind: 'ALERT_OPENED',
      severity: 'CRITICAL',
      read: false,
      folds: 0,
    });
    expect(entry.title).toContain('overheating');
    expect(entry.deepLink).toMatch(new RegExp(`^clutch://vehicles/${vehicleId}/alerts/`));
    expect(entry.data).toEqual(expect.arrayContaining([{ key: 'vehicleId', value: vehicleId }]));
    await waitFor(() => live.results.length > 0, 'the live inbox event');
    expect(live.results[0].data.notifications).toMatchObject({ id: entry.id, kind: 'ALERT_OPENED' });
    expect((await inbox(stranger)).notifications.totalCount).toBe(0);

    // One delivery per channel: PUSH (queued until the push channel is deployed), SMS sent, IN_APP sent.
    await waitFor(
      async () => (await deliveries(owner.userId)).some((d) => d.channel === 'SMS' && d.status === 'SENT'),
      'the SMS',
    );
    const before = await deliveries(owner.userId);
    expect(before.filter((d) => d.channel === 'PUSH')).toHaveLength(1);
    expect(before.find((d) => d.channel === 'IN_APP')).toMatchObject({ status: 'SENT' });
    expect(sms.messages.filter((m) => m.to === '+971500000001')).toHaveLength(1);

    // The alert flaps: resolved and opened again ten times (new alert ids, same vehicle and rule).
    for (let i = 0; i < 10; i++) {
      await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent(`flap-${i}`, vehicleId, 'OPEN', new Date()));
      await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent(`flap-${i}`, vehicleId, 'RESOLVED', new Date()));
    }
    await waitFor(async () => (await inbox(owner)).notifications.edges[0]!.node.folds === 20, 'the flaps folded');
    const after = await inbox(owner);
    expect(after.notifications.totalCount).toBe(1);
    expect(after.notifications.edges[0]!.node).toMatchObject({ id: entry.id, kind: 'ALERT_RESOLVED' });
    const all = await deliveries(owner.userId);
    expect(all.filter((d) => d.channel === 'PUSH')).toHaveLength(1);
    expect(all.filter((d) => d.channel === 'SMS')).toHaveLength(1);
    expect(sms.messages.filter((m) => m.to === '+971500000001')).toHaveLength(1);
    // The folds reached the live feed too (at most once each: the inbox is the record).
    await waitFor(() => live.results.some((r) => r.data.notifications.folds > 0), 'a live fold');
  });

  it('quiet hours hold a booking reminder but not a CRITICAL alert', async () => {
    const driver = await registerDriver(t, 'notify-quiet@example.com');
    await setPreferences(driver, {
      input: {
        smsNumber: '+971500000002',
        quietHours: quietNow(),
        timeZone: 'UTC',
        categories: [{ category: 'BOOKINGS', channels: ['IN_APP', 'SMS'] }],
      },
    });
    const now = Date.now();
    // A booking confirmed for an hour from now: its reminder (24 h before the slot) is due at once.
    await t.system.deps.bus.append(BOOKING_CHANGED, {
      bookingId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      centreId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
      customerId: driver.userId,
      vehicleId: 'v-quiet',
      service: 'BRAKES',
      status: 'CONFIRMED',
      slotStart: new Date(now + 3_600_000).toISOString(),
      slotEnd: new Date(now + 5_400_000).toISOString(),
      at: new Date(now).toISOString(),
    });
    await waitFor(
      async () => (await deliveries(driver.userId)).some((d) => d.kind === 'BOOKING_REMINDER' && d.channel === 'SMS'),
      'the reminder delivery',
    );
    const { vehicleId } = await vehicleWithDevice(t, driver, vin(4353));
    await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent('quiet-critical', vehicleId, 'OPEN', new Date()));
    await waitFor(() => sms.messages.some((m) => m.to === '+971500000002'), 'the CRITICAL alert by SMS');
    // The SMS server has the message before the worker records the delivery as sent.
    await waitFor(
      async () =>
        (await deliveries(driver.userId)).some(
          (d) => d.kind === 'ALERT_OPENED' && d.channel === 'SMS' && d.status !== 'SENDING',
        ),
      'the alert delivery settled',
    );

    const list = await deliveries(driver.userId);
    const reminder = list.find((d) => d.kind === 'BOOKING_REMINDER' && d.channel === 'SMS')!;
    expect(reminder.status).toBe('QUEUED');
    expect(reminder.lastError).toBe('quiet hours');
    expect(new Date(reminder.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    const alert = list.find((d) => d.kind === 'ALERT_OPENED' && d.channel === 'SMS')!;
    expect(alert.status).toBe('SENT');
    // Only the alert went out: the booking change and its reminder wait for the morning.
    expect(sms.messages.filter((m) => m.to === '+971500000002')).toHaveLength(1);
    expect(list.find((d) => d.kind === 'BOOKING_CHANGED' && d.channel === 'SMS')).toMatchObject({ status: 'QUEUED' });
    expect(sms.messages.find((m) => m.to === '+971500000002')!.body).toContain('overheating');
    // Both are in the inbox: quiet hours hold interruptions, not the record.
    const kinds = (await inbox(driver)).notifications.edges.map((e) => e.node.kind).sort();
    expect(kinds).toEqual(['ALERT_OPENED', 'BOOKING_CHANGED', 'BOOKING_REMINDER']);
  });

  it("a booking's changes reach its customer and the centre's members, once each", async () => {
    const { partner, centreId } = await partnerWithCentre(t, 'notify-partner@example.com');
    const { driver, vehicleId } = await driverWithVehicle(t, 'notify-booker@example.com', vin(4355));
    const requested = await t.request(
      RequestBookingDocument,
      {
        input: {
          centreId,
          vehicleId,
          service: 'OIL_CHANGE',
          slotStart: slotAt(5, 10),
          idempotencyKey: 'notify-booking-1',
        },
      },
      { token: driver.token },
    );
    if (requested.errors) throw new Error(JSON.stringify(requested.errors));
    const bookingId = requested.data!.requestBooking.id;
    const confirmed = await t.request(ConfirmBookingDocument, { id: bookingId }, { token: partner.token });
    if (confirmed.errors) throw new Error(JSON.stringify(confirmed.errors));

    const bookingEntries = async (who: Driver) =>
      (await inbox(who)).notifications.edges.map((e) => e.node).filter((n) => n.kind === 'BOOKING_CHANGED');
    await waitFor(async () => (await bookingEntries(driver)).length === 2, "the customer's entries");
    await waitFor(async () => (await bookingEntries(partner)).length === 2, "the partner's entries");
    const titles = (await bookingEntries(driver)).map((n) => n.title).sort();
    expect(titles).toEqual(['Booking confirmed', 'Booking requested']);
    expect((await bookingEntries(partner))[0]).toMatchObject({
      category: 'BOOKINGS',
      deepLink: `clutch://bookings/${bookingId}`,
    });
  });

  it("marketing is opt-in, and a marketing message's signed link opts out without signing in", async () => {
    const driver = await registerDriver(t, 'notify-marketing@example.com');
    const before = (await t.request(NotificationPreferencesDocument, {}, { token: driver.token })).data!;
    expect(before.notificationPreferences.categories.find((c) => c.category === 'MARKETING')!.channels).toEqual([]);
    await setPreferences(driver, { input: { categories: [{ category: 'MARKETING', channels: ['EMAIL', 'IN_APP'] }] } });

    const link = new UnsubscribeTokens(t.config.JWT_SECRET, t.config.NOTIFY_UNSUBSCRIBE_URL).link(driver.userId);
    const token = new URL(link).searchParams.get('token')!;
    const done = await t.request(UnsubscribeMarketingDocument, { token });
    expect(done.data!.unsubscribeMarketing).toBe(true);
    const after = (await t.request(NotificationPreferencesDocument, {}, { token: driver.token })).data!;
    expect(after.notificationPreferences.categories.find((c) => c.category === 'MARKETING')!.channels).toEqual([]);
    // The other categories are untouched.
    expect(after.notificationPreferences.categories.find((c) => c.category === 'SAFETY')!.channels).toContain('PUSH');
  });

  it('marks only your own entries read, and refuses bad input and strangers with codes', async () => {
    const a = await registerDriver(t, 'notify-read-a@example.com');
    const b = await registerDriver(t, 'notify-read-b@example.com');
    const { vehicleId } = await vehicleWithDevice(t, a, vin(4354));
    await t.system.deps.bus.append(HEALTH_ALERTS, alertEvent('read-1', vehicleId, 'OPEN', new Date(), 'HIGH'));
    await waitFor(async () => (await inbox(a)).notifications.totalCount === 1, "a's entry");
    const id = (await inbox(a)).notifications.edges[0]!.node.id;

    const byStranger = await t.request(MarkNotificationsReadDocument, { ids: [id] }, { token: b.token });
    expect(byStranger.data!.markNotificationsRead).toBe(0);
    expect((await inbox(a)).unreadNotificationCount).toBe(1);

    const bad = await t.request(MarkNotificationsReadDocument, { ids: ['not-an-id'] }, { token: a.token });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const anonymous = await t.request(InboxDocument, {});
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    // No credentials, no live inbox: the gateway closes the socket (4403), as for every subscription.
    let closedWith = 0;
    const anonymousSocket = liveClient(t.url, undefined, (code) => (closedWith = code));
    clients.push(anonymousSocket);
    const refused = collect(anonymousSocket, LIVE_INBOX, {});
    await waitFor(() => refused.completed, 'the refusal');
    expect(closedWith).toBe(4403);
    expect(refused.results).toEqual([]);

    const mine = await t.request(MarkNotificationsReadDocument, { ids: [id, id] }, { token: a.token });
    expect(mine.data!.markNotificationsRead).toBe(1);
    expect((await inbox(a)).unreadNotificationCount).toBe(0);
    expect((await inbox(a, true)).notifications.totalCount).toBe(0);

    const staffOnly = await t.request(NotificationDeliveriesDocument, { userId: a.userId }, { token: b.token });
    expect(errorCodes(staffOnly)).toEqual(['FORBIDDEN']);

    const badZone = await t.request(
      UpdateNotificationPreferencesDocument,
      { input: { timeZone: 'Mars/Olympus', smsNumber: '+971500000009' } },
      { token: b.token },
    );
    expect(errorCodes(badZone)).toEqual(['BAD_USER_INPUT']);
    const badHours = await t.request(
      UpdateNotificationPreferencesDocument,
      { input: { quietHours: { start: '25:00', end: '07:00' } } },
      { token: b.token },
    );
    expect(errorCodes(badHours)).toEqual(['BAD_USER_INPUT']);
    const unchanged = (await t.request(NotificationPreferencesDocument, {}, { token: b.token })).data!
      .notificationPreferences;
    expect(unchanged).toMatchObject({ timeZone: 'UTC', smsNumber: null, quietHours: null });

    const forged = await t.request(UnsubscribeMarketingDocument, {
      token: `${Buffer.from(b.userId).toString('base64url')}.forged`,
    });
    expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
  });
});
