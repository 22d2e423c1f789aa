import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { busWorlds, type BusWorld } from '../../test/bus-worlds.js';
import { waitFor } from '../../test/wait-for.js';
import { deadLetterStream, type DeadLetter, type EventBus } from './bus.js';
import { StreamConsumerMetrics } from './consumer-metrics.js';
import { OPS_ALERTS_STREAM, opsAlertSchema, type OpsAlert } from './ops-alerts.js';

const implementations = busWorlds();

const FAST = { blockMs: 50, claimIdleMs: 200, stopTimeoutMs: 200 };
const order = z.object({ orderId: z.string().min(1), quantity: z.number().int().max(10) });

describe.each(implementations)('%s bus: what a consumer cannot read', (_name, makeWorld) => {
  let world: BusWorld;
  let bus: EventBus;
  let metrics: StreamConsumerMetrics;
  let registry: Registry;
  beforeEach(() => {
    world = makeWorld();
    bus = world.newBus();
    metrics = new StreamConsumerMetrics();
    registry = new Registry();
    metrics.register(registry);
  });
  afterEach(() => world.close());

  /** Everything on `stream` from its start, as a fresh group sees it. */
  function collect<T>(stream: string): T[] {
    const seen: T[] = [];
    bus.consume<T>(stream, `reader-${randomBytes(3).toString('hex')}`, 'c', (e) => void seen.push(e.payload), FAST);
    return seen;
  }
  const counted = async (reason: string) =>
    (await registry.getSingleMetric('events_dead_lettered_total')!.get()).values.find(
      (v) => v.labels.stream === 'orders' && v.labels.group === 'billing' && v.labels.reason === reason,
    )?.value ?? 0;

  it('dead-letters an event that breaks the schema (invalid), counts it, raises an ops alert, and hands the handler only valid payloads', async () => {
    await bus.append('orders', { orderId: 'o1', quantity: 1 });
    const bad = await bus.append('orders', { orderId: 'o2', quantity: 500, secret: 'not echoed' });
    await bus.append('orders', { orderId: 'o3', quantity: 2, extra: 'stripped' });
    const handled: unknown[] = [];
    bus.consume('orders', 'billing', 'c', (e) => void handled.push(e.payload), { ...FAST, schema: order, metrics });
    const dead = collect<DeadLetter>(deadLetterStream('orders'));
    const alerts = collect<OpsAlert>(OPS_ALERTS_STREAM);

    await waitFor(() => handled.length === 2 && dead.length === 1 && alerts.length === 1, 'the events to be sorted');
    expect(handled).toEqual([
      { orderId: 'o1', quantity: 1 },
      { orderId: 'o3', quantity: 2 },
    ]);
    expect(dead[0]).toEqual({
      stream: 'orders',
      group: 'billing',
      id: bad,
      deliveryCount: 1,
      reason: 'invalid',
      detail: expect.stringMatching(/^quantity: /),
      data: JSON.stringify({ orderId: 'o2', quantity: 500, secret: 'not echoed' }),
    });
    expect(dead[0].detail).not.toContain('500');
    expect(await counted('invalid')).toBe(1);
    expect(opsAlertSchema.parse(alerts[0])).toEqual({
      kind: 'event_dead_lettered',
      severity: 'HIGH',
      stream: 'orders',
      group: 'billing',
      eventId: bad,
      reason: 'invalid',
      deadLetterStream: 'orders.dead-letter',
      detail: dead[0].detail,
      at: expect.any(String),
    });
  });

  it('does the same for an event that is not JSON (undecodable) and one whose handler keeps failing (max-deliveries)', async () => {
    const garbage = await world.appendRaw('orders', '{not json');
    const poison = await bus.append('orders', { orderId: 'poison', quantity: 1 });
    bus.consume(
      'orders',
      'billing',
      'c',
      (e) => {
        if ((e.payload as { orderId: string }).orderId === 'poison') throw new Error('always');
      },
      { ...FAST, schema: order, metrics, maxDeliveries: 2 },
    );
    const alerts = collect<OpsAlert>(OPS_ALERTS_STREAM);
    await waitFor(() => alerts.length === 2, 'two ops alerts');
    expect(alerts.map((a) => [a.eventId, a.reason, a.severity])).toEqual([
      [garbage, 'undecodable', 'HIGH'],
      [poison, 'max-deliveries', 'MEDIUM'],
    ]);
    expect([await counted('undecodable'), await counted('max-deliveries')]).toEqual([1, 1]);
  });

  it('raises no ops alert about the ops alert stream itself (an alert that cannot be taken would chain)', async () => {
    const bad = await bus.append(OPS_ALERTS_STREAM, { kind: 'no such alert' });
    bus.consume(OPS_ALERTS_STREAM, 'agents', 'c', () => undefined, { ...FAST, schema: opsAlertSchema, metrics });
    const dead = collect<DeadLetter>(deadLetterStream(OPS_ALERTS_STREAM));
    const alerts = collect<unknown>(OPS_ALERTS_STREAM);
    await waitFor(() => dead.length === 1, 'the dead letter');
    expect(dead[0]).toMatchObject({ id: bad, group: 'agents', reason: 'invalid' });
    // Another round of reads, to be sure nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alerts).toEqual([{ kind: 'no such alert' }]);
  });
});
