import { ObjectId } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import { ORDER_UPDATED } from '../../marketplace/contract.js';
import { HEALTH_ALERTS } from '../../health/contract.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { messageId, type WebhookEvent } from './webhook.service.js';
import { eventually, startReceiver, testWebhooks } from './testing.js';

const db = useScratchDatabase('notifications_webhooks');

const ORG = '64b000000000000000000001';
const OTHER_ORG = '64b000000000000000000002';
const OWNER = '64b0000000000000000000aa';

const order = (n: number, status = 'PAID', customerId = ORG): WebhookEvent => ({
  key: `order:o${n}:${status}`,
  type: `order.${status.toLowerCase()}`,
  resource: { kind: 'order', id: `o${n}` },
  vehicleId: null,
  customerId,
  data: { orderId: `o${n}`, status },
  at: new Date(),
  position: n,
});
const alertEvent = (vehicleId: string, n: number): WebhookEvent => ({
  key: `alert:a${n}:1:OPEN`,
  type: 'health.alert.opened',
  resource: { kind: 'alert', id: `a${n}` },
  vehicleId,
  customerId: null,
  data: { alertId: `a${n}`, vehicleId, rule: 'coolant_overheat' },
  at: new Date(),
  position: n,
});

describe('B2B webhooks', () => {
  it('a receiver verifies the signature with the library; three failures, then the fourth attempt is delivered with the same webhook-id', async () => {
    const w = await testWebhooks(db());
    const receiver = await startReceiver((n) => (n <= 3 ? 500 : 200));
    try {
      const { endpoint, secret } = await w.service.createEndpoint(ORG, {
        url: receiver.url,
        eventTypes: ['order.*'],
        description: 'fleet ERP',
      });
      expect(secret).toMatch(/^whsec_/);
      // The secret is kept sealed, never as given.
      expect(JSON.stringify(await w.endpoints.get(endpoint._id))).not.toContain(secret.slice(6));
      await w.service.publish(order(1));
      await eventually(() => receiver.received.length >= 4, 10_000, 'four attempts');
      const verifier = new Webhook(secret);
      for (const r of receiver.received) {
        expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
      }
      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
      expect(ids).toEqual(new Set([messageId('order:o1:PAID')]));
      expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 500, 200]);
      const body = JSON.parse(receiver.received[3]!.body);
      expect(body).toMatchObject({ type: 'order.paid', sequence: 1, resource: { kind: 'order', id: 'o1' } });
      await eventually(
        async () => (await w.deliveries.page({ endpointId: endpoint._id }, {})).edges[0]?.node.status === 'SENT',
      );
      const [delivery] = (await w.deliveries.page({ endpointId: endpoint._id }, {})).edges.map((e) => e.node);
      expect(delivery).toMatchObject({ status: 'SENT', attempts: 4, lastStatusCode: 200 });
      expect(delivery!.log.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
      // A forged body does not verify.
      expect(() =>
        verifier.verify(
          receiver.received[3]!.body.replace('o1', 'o2'),
          receiver.received[3]!.headers as Record<string, string>,
        ),
      ).toThrow();
    } finally {
      await receiver.close();
      await w.close();
    }
  });

  it('under the production setting an endpoint on 127.0.0.1 is refused (BAD_USER_INPUT, nothing stored), and checked again at delivery time', async () => {
    const production = await testWebhooks(db(), { allowLoopback: false });
    const development = await testWebhooks(db());
    const receiver = await startReceiver();
    try {
      for (const url of [
        receiver.url,
        'http://[::1]:9/x',
        'http://[::ffff:127.0.0.1]:9/x',
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.8/x',
      ]) {
        await expect(
          production.service.createEndpoint(OTHER_ORG, { url, eventTypes: ['order.*'] }),
        ).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      expect(await production.service.list(OTHER_ORG)).toHaveLength(0);
      // Registered while loopback was allowed, sent by an instance where it is not: DEAD, never sent.
      await development.service.createEndpoint(OTHER_ORG, { url: receiver.url, eventTypes: ['order.*'] });
      await development.stop();
      await production.service.publish(order(2, 'PAID', OTHER_ORG));
      await eventually(async () => (await production.deliveries.countByStatus('DEAD')) === 1);
      const dead = await production.deliveries.deliveries.findOne({ organizationId: OTHER_ORG });
      expect(dead!.lastError).toMatch(/refused.*loopback/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
      await production.close();
      await development.bus.close();
    }
  });

  it('bad input: unknown event types, bad URLs, long descriptions are refused with BAD_USER_INPUT; another org gets NOT_FOUND', async () => {
    const w = await testWebhooks(db());
    try {
      const bad = [
        { url: 'ftp://example.com/x', eventTypes: ['order.*'] },
        { url: 'not a url', eventTypes: ['order.*'] },
        { url: 'http://127.0.0.1:9/x', eventTypes: [] },
        { url: 'http://127.0.0.1:9/x', eventTypes: ['telemetry.*'] },
        { url: 'http://127.0.0.1:9/x', eventTypes: ['order.*'], description: 'x'.repeat(501) },
      ];
      for (const input of bad)
        await expect(w.service.createEndpoint('org-bad', input)).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT' },
        });
      expect(await w.service.list('org-bad')).toHaveLength(0);
      const { endpoint } = await w.service.createEndpoint('org-bad', {
        url: 'http://127.0.0.1:9/x',
        eventTypes: ['order.*'],
      });
      await expect(w.service.sendTest('someone-else', endpoint._id.toHexString())).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(w.service.sendTest('org-bad', 'nope')).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    } finally {
      await w.close();
    }
  });

  it('an org without a grant gets nothing for the vehicle; with one it gets the events; after revocation nothing more, and queued deliveries are dropped', async () => {
    const w = await testWebhooks(db());
    let failing = false;
    const receiver = await startReceiver(() => (failing ? 503 : 200));
    try {
      await w.service.createEndpoint('org-consent', { url: receiver.url, eventTypes: ['health.alert.*'] });
      await w.service.publish(alertEvent('veh-1', 1));
      await new Promise((r) => setTimeout(r, 150));
      expect(receiver.received).toHaveLength(0);
      expect(await w.deliveries.deliveries.countDocuments({ organizationId: 'org-consent' })).toBe(0);

      // TELEMETRY alone does not cover health events.
      const telemetryOnly = await w.grants.grant('veh-1', 'org-consent', OWNER, ['TELEMETRY'], new Date());
      await w.service.publish(alertEvent('veh-1', 2));
      await new Promise((r) => setTimeout(r, 150));
      expect(receiver.received).toHaveLength(0);

      await w.grants.grant('veh-1', 'org-consent', OWNER, ['HEALTH'], new Date());
      await w.service.publish(alertEvent('veh-1', 3));
      await eventually(() => receiver.received.length === 1);
      expect(JSON.parse(receiver.received[0]!.body).data.alertId).toBe('a3');

      // Queued while the receiver fails, then revoked: dropped at delivery time, never sent.
      failing = true;
      await w.service.publish(alertEvent('veh-1', 4));
      await eventually(async () => (await w.deliveries.countByStatus('FAILED')) === 1);
      await w.grants.revoke(telemetryOnly._id, new Date());
      failing = false;
      await eventually(async () => (await w.deliveries.countByStatus('DROPPED')) === 1, 5_000, 'dropped');
      const dropped = await w.deliveries.deliveries.findOne({ status: 'DROPPED' });
      expect(dropped!.lastError).toMatch(/revoked/);
      await w.service.publish(alertEvent('veh-1', 5));
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).data.alertId)).toEqual([
        'a3',
      ]);
    } finally {
      await receiver.close();
      await w.close();
    }
  });

  it('rotation: during the overlap both secrets sign (either verifies), after it only the new one', async () => {
    const w = await testWebhooks(db(), { rotationOverlapMs: 60_000 });
    const receiver = await startReceiver();
    try {
      const { endpoint, secret: first } = await w.service.createEndpoint('org-rotate', {
        url: receiver.url,
        eventTypes: ['order.*'],
      });
      const { secret: second } = await w.service.rotateSecret('org-rotate', endpoint._id.toHexString());
      await w.service.sendTest('org-rotate', endpoint._id.toHexString());
      const during = receiver.received[0]!;
      expect(() => new Webhook(first).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(second).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
      const { secret: third } = await w.service.rotateSecret('org-rotate', endpoint._id.toHexString(), 0);
      await new Promise((r) => setTimeout(r, 1_100)); // the worker's endpoint cache
      await w.service.sendTest('org-rotate', endpoint._id.toHexString());
      const after = receiver.received[1]!;
      expect(() => new Webhook(third).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(second).verify(after.body, after.headers as Record<string, string>)).toThrow();
      expect(() => new Webhook(first).verify(after.body, after.headers as Record<string, string>)).toThrow();
    } finally {
      await receiver.close();
      await w.close();
    }
  });

  it('an endpoint failing N times in a row is disabled once and its owner is told in the inbox; replay resends with the same webhook-id', async () => {
    const dispatched: { userIds: string[]; kind: string }[] = [];
    const w = await testWebhooks(db(), { disableAfter: 3, baseMs: 10, maxMs: 20 }, dispatched);
    let up = false;
    const receiver = await startReceiver(() => (up ? 200 : 500));
    try {
      const { endpoint } = await w.service.createEndpoint('org-disable', {
        url: receiver.url,
        eventTypes: ['order.*'],
      });
      await w.service.publish(order(7, 'PAID', 'org-disable'));
      await eventually(async () => (await w.endpoints.get(endpoint._id))!.status === 'DISABLED');
      await eventually(() => dispatched.length === 1);
      expect(dispatched[0]).toMatchObject({ userIds: ['org-disable'], kind: 'OWNER_NOTICE' });
      await eventually(async () => (await w.deliveries.countByStatus('DROPPED')) >= 1);
      // Disabled: new events are not queued for it.
      expect(await w.service.publish(order(8, 'PAID', 'org-disable'))).toBe(0);
      up = true;
      const [dropped] = (await w.deliveries.page({ endpointId: endpoint._id }, {})).edges.map((e) => e.node);
      const replayed = await w.service.replay('org-disable', dropped!._id.toHexString());
      expect(replayed).toMatchObject({ status: 'SENT', eventId: dropped!.eventId, replayOf: dropped!._id });
      expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(dropped!.eventId);
      expect(dispatched).toHaveLength(1);
    } finally {
      await receiver.close();
      await w.close();
    }
  });

  it('bus events fan out once per endpoint with per-resource sequence numbers; a redelivered event queues nothing twice', async () => {
    const a = await testWebhooks(db());
    const receiver = await startReceiver();
    try {
      await a.service.createEndpoint('org-seq', { url: receiver.url, eventTypes: ['order.*', 'health.alert.opened'] });
      for (const status of ['PENDING_PAYMENT', 'PAID', 'SHIPPED'])
        await a.bus.append(ORDER_UPDATED, {
          orderId: '64b0000000000000000000f1',
          customerId: 'org-seq',
          centreId: '64b0000000000000000000c1',
          status,
          totalMinor: 1000,
          currency: 'EUR',
          at: new Date().toISOString(),
        });
      await eventually(() => receiver.received.length === 3);
      const bodies = receiver.received.map((r) => JSON.parse(r.body));
      // Sequence numbers follow the order the order's events happened in, whatever order they arrive in.
      expect(bodies.sort((x, y) => x.sequence - y.sequence).map((b) => b.type)).toEqual([
        'order.pending_payment',
        'order.paid',
        'order.shipped',
      ]);
      expect(new Set(bodies.map((b) => b.sequence)).size).toBe(3);
      // The same source event again (at-least-once): same message id, nothing new queued.
      expect(await a.service.publish(order(99, 'PAID', 'org-seq'))).toBe(1);
      expect(await a.service.publish(order(99, 'PAID', 'org-seq'))).toBe(0);
      // Health alerts for a vehicle nobody granted: not on the bus's way either.
      await a.bus.append(HEALTH_ALERTS, {
        id: 'al-1',
        vehicleId: 'veh-x',
        rule: 'coolant_overheat',
        part: null,
        severity: 'HIGH',
        status: 'OPEN',
        message: 'hot',
        value: 120,
        threshold: 110,
        openedAt: new Date().toISOString(),
        acknowledgedAt: null,
        resolvedAt: null,
        history: [{ status: 'OPEN', at: new Date().toISOString(), by: null }],
      });
      await eventually(() => receiver.received.length === 4);
      await new Promise((r) => setTimeout(r, 150));
      expect(receiver.received).toHaveLength(4);
    } finally {
      await receiver.close();
      await a.close();
    }
  });

  it('two instances polling one queue never send one delivery twice, and every delivery is sent', async () => {
    const a = await testWebhooks(db(), { concurrency: 4 });
    const b = await testWebhooks(db(), { concurrency: 4 });
    const receiver = await startReceiver();
    try {
      const { endpoint } = await a.service.createEndpoint('org-two', { url: receiver.url, eventTypes: ['order.*'] });
      const now = new Date();
      const docs = Array.from({ length: 60 }, (_, i) => ({
        _id: new ObjectId(),
        endpointId: endpoint._id,
        organizationId: 'org-two',
        eventId: messageId(`two:${i}`),
        eventType: 'order.paid',
        vehicleId: null,
        scope: null,
        payload: JSON.stringify({ n: i }),
        dedupeKey: `two:${i}`,
        status: 'QUEUED' as const,
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        giveUpAt: new Date(now.getTime() + 60_000),
        lastStatusCode: null,
        lastError: null,
        lastResponse: null,
        log: [],
        createdAt: now,
        sentAt: null,
        replayOf: null,
      }));
      await a.deliveries.insertNew(docs);
      await eventually(
        async () =>
          (await a.deliveries.deliveries.countDocuments({ organizationId: 'org-two', status: 'SENT' })) === 60,
        10_000,
        'all sent',
      );
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    } finally {
      await receiver.close();
      await a.close();
      await b.close();
    }
  });
});
