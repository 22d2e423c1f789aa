import { BoundedQueue } from '../../../platform/async/bounded-queue.js';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import type { RoadsideDocument } from './roadside.store.js';
import { roadsideViewSchema, toView, type RoadsideView } from './roadside-events.js';

/**
 * What the roadside subscriptions need from the context (type-graphql's `subscribe` gets the
 * context, not a resolver instance): the bus, the per-subscriber cap, and the service's reads.
 */
export interface LiveRoadside {
  bus: EventBus;
  /** Events held per subscriber that is not reading; the oldest are dropped past it. */
  maxQueue: number;
  speedKmh: number;
  read(viewer: Viewer | undefined, id: string): Promise<RoadsideDocument>;
  openOffers(viewer: Viewer | undefined, centreId: string): Promise<RoadsideDocument[]>;
}

/**
 * The current state first, then every change: the bus subscription is made (and ready) before
 * the current state is read, so no change falls between the two; a change that arrives while it
 * is read waits, and is dropped if the state read already holds it (same or newer version). A
 * follower that connects late, or reconnects, starts from the truth, not from the next change.
 */
export async function currentThenLive(
  bus: EventBus,
  topic: string,
  maxQueue: number,
  current: () => Promise<RoadsideDocument[]>,
): Promise<AsyncIterableIterator<RoadsideView>> {
  let unsubscribe: () => void = () => undefined;
  const queue = new BoundedQueue<RoadsideView>({ maxQueue, onClose: () => unsubscribe() });
  let early: RoadsideView[] | null = [];
  const subscription = bus.subscribe<unknown>(topic, (payload) => {
    const parsed = roadsideViewSchema.safeParse(payload);
    if (!parsed.success) return;
    if (early) early.push(parsed.data);
    else queue.push(parsed.data);
  });
  unsubscribe = subscription;
  try {
    await subscription.ready;
    const views = (await current()).map(toView);
    const seen = new Map(views.map((v) => [v.id, v.version]));
    for (const view of views) queue.push(view);
    for (const view of early) if (view.version > (seen.get(view.id) ?? 0)) queue.push(view);
    early = null;
  } catch (error) {
    subscription();
    throw error;
  }
  return queue;
}
