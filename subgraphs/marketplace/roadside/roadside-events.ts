import { z } from 'zod';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { ROADSIDE_KINDS, ROADSIDE_STATUSES, ROADSIDE_UPDATED, roadsideUpdatedSchema } from '../contract.js';
import type { RoadsideDocument, RoadsideStore } from './roadside.store.js';

/*
 * Live topics (at-most-once, marketplace to marketplace across instances): a request's own
 * (roadsideUpdates: its driver, its responder, staff) and each offered centre's (roadsideOffers).
 * The payload is the request as its followers see it, so a subscriber answers without a read.
 */
const LIVE = 'marketplace.roadside.live';
export const requestTopic = (requestId: string) => `${LIVE}.request.${requestId}`;
export const centreTopic = (centreId: string) => `${LIVE}.centre.${centreId}`;

const point = z.object({ lat: z.number(), lng: z.number() });
export const roadsideViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  vehicleId: z.string(),
  kind: z.enum(ROADSIDE_KINDS),
  notes: z.string().nullable(),
  location: point,
  status: z.enum(ROADSIDE_STATUSES),
  wave: z.number().int(),
  dueAt: z.coerce.date().nullable(),
  offers: z.array(z.object({ centreId: z.string(), wave: z.number().int(), distanceKm: z.number() })),
  responder: z
    .object({
      centreId: z.string(),
      acceptedAt: z.coerce.date(),
      location: point.nullable(),
      locatedAt: z.coerce.date().nullable(),
    })
    .nullable(),
  charge: z.object({ amountMinor: z.number().int(), currency: z.string(), completedAt: z.coerce.date() }).nullable(),
  paidAt: z.coerce.date().nullable(),
  reason: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
/** A request as the GraphQL types are built from it, from the store or from a live event alike. */
export type RoadsideView = z.infer<typeof roadsideViewSchema>;

export const toView = (doc: RoadsideDocument): RoadsideView => ({
  id: doc._id.toHexString(),
  customerId: doc.customerId,
  vehicleId: doc.vehicleId,
  kind: doc.kind,
  notes: doc.notes,
  location: { lat: doc.location.lat, lng: doc.location.lng },
  status: doc.status,
  wave: doc.wave,
  dueAt: doc.dueAt,
  offers: doc.offers.map(({ centreId, wave, distanceKm }) => ({ centreId, wave, distanceKm })),
  responder: doc.responder && {
    centreId: doc.responder.centreId,
    acceptedAt: doc.responder.acceptedAt,
    location: doc.responder.location,
    locatedAt: doc.responder.locatedAt,
  },
  charge: doc.charge,
  paidAt: doc.payment?.paidAt ?? null,
  reason: doc.reason,
  version: doc.version,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** What roadside requests announce: every change, live for followers and durably for notifications. */
export class RoadsideEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly store: RoadsideStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Live fan-out is at-most-once and never fails the change (it is stored). The durable event is
   * appended after the write; when the bus refuses it, the request stays unannounced and the
   * wave job's sweep (`announceMissed`) appends its state later: at-least-once, the consumer
   * dedupes on requestId + status.
   *
   * A new position of the responder alone (`position: true`) goes live to the request's followers
   * only, and not to the durable stream, whose payload has no position: it would say nothing new
   * (the status is the same) once per position. Unless the change before it is still unannounced,
   * which is then announced with this one's state.
   */
  async changed(doc: RoadsideDocument, { position = false, previousAnnounced = true } = {}): Promise<void> {
    const view = toView(doc);
    const topics = new Set([requestTopic(view.id)]);
    if (!position) {
      for (const centreId of doc.offeredCentreIds) topics.add(centreTopic(centreId));
      if (doc.responder) topics.add(centreTopic(doc.responder.centreId));
    }
    await Promise.all(
      [...topics].map((topic) =>
        this.bus
          .publish(topic, view)
          .catch((err) => this.logger.warn({ err, topic, requestId: view.id }, 'roadside update not published')),
      ),
    );
    const durable = !position || !previousAnnounced;
    await (durable ? this.announce(doc) : this.store.markAnnounced(doc._id, doc.version)).catch((err) =>
      this.logger.warn({ err, requestId: view.id }, 'roadside update not appended; the sweep retries it'),
    );
  }

  async announce(doc: RoadsideDocument): Promise<void> {
    const payload = roadsideUpdatedSchema.parse({
      requestId: doc._id.toHexString(),
      customerId: doc.customerId,
      vehicleId: doc.vehicleId,
      status: doc.status,
      centreId: doc.responder?.centreId ?? null,
      at: doc.updatedAt,
    });
    await this.bus.append(ROADSIDE_UPDATED, payload);
    await this.store.markAnnounced(doc._id, doc.version);
  }
}
