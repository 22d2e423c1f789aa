import { createHash, randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { BadUserInputError, NotFoundError } from '../../../platform/errors.js';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import { checkUrl, UnsafeUrlError, type AddressPolicy } from '../../../platform/net/ssrf-guard.js';
import type { GrantStore } from '../consent/grant.store.js';
import type { WebhookDeliveryDocument, WebhookDeliveryStore } from './delivery.store.js';
import type { EndpointDocument, EndpointStore } from './endpoint.store.js';
import { isSubscribable, scopeOf, subscriptionNames, type VehicleScope } from './event-types.js';
import { newSigningSecret, type SecretBox } from './secret-box.js';
import type { WebhookWorker } from './webhook-worker.js';

export const MAX_EVENT_TYPES = 30;
export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION = 500;
export const MAX_ENDPOINTS_PER_ORG = 20;

/** One event, as a source turns a bus event into it. */
export interface WebhookEvent {
  /** Stable across redeliveries of the source event: the message id derives from it. */
  key: string;
  type: string;
  resource: { kind: string; id: string };
  /** Set for events about a vehicle: only orgs the owner granted it to get them. */
  vehicleId: string | null;
  /** The customer the event is about: an org gets its own orders, payments, bookings. */
  customerId: string | null;
  data: Record<string, unknown>;
  at: Date;
  /**
   * Where the event stands in the platform's log: the source stream entry's id as a number
   * (`<ms>-<n>` -> ms * 1,000 + n, within a safe integer), which grows with append order. It is the event's `sequence`.
   */
  position: number;
}

/** A stream entry id (`<ms>-<n>`) as a number that keeps its order. */
export const streamPosition = (id: string, fallback: Date = new Date()): number => {
  const match = /^(\d+)-(\d+)$/.exec(id);
  return match ? Number(match[1]) * 1_000 + Math.min(Number(match[2]), 999) : fallback.getTime() * 1_000;
};

export interface WebhookServiceSettings extends AddressPolicy {
  /** Retries stop this long after the delivery was queued (WEBHOOK_RETRY_HOURS). */
  retryWindowMs: number;
  /** How long the previous secret keeps signing after a rotation. */
  rotationOverlapMs: number;
}

/** The Standard Webhooks message id of an event: the same for every attempt, replay and redelivery. */
export const messageId = (key: string) => `msg_${createHash('sha256').update(key).digest('base64url').slice(0, 27)}`;

export class WebhookService {
  constructor(
    private readonly endpoints: EndpointStore,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly grants: GrantStore,
    private readonly box: SecretBox,
    private readonly worker: WebhookWorker,
    private readonly settings: WebhookServiceSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async createEndpoint(
    organizationId: string,
    input: { url: string; eventTypes: string[]; description?: string | null },
  ) {
    const url = String(input.url ?? '').trim();
    if (url.length === 0 || url.length > MAX_URL_LENGTH)
      throw new BadUserInputError(`url must be 1 to ${MAX_URL_LENGTH} characters`, 'url');
    try {
      await checkUrl(url, this.settings);
    } catch (error) {
      if (error instanceof UnsafeUrlError) throw new BadUserInputError(`url refused: ${error.message}`, 'url');
      throw error;
    }
    const eventTypes = [...new Set(input.eventTypes.map(String))];
    if (eventTypes.length === 0 || eventTypes.length > MAX_EVENT_TYPES)
      throw new BadUserInputError(`eventTypes must list 1 to ${MAX_EVENT_TYPES} types`, 'eventTypes');
    const unknown = eventTypes.filter((t) => !isSubscribable(t));
    if (unknown.length > 0)
      throw new BadUserInputError(`unknown event types: ${unknown.slice(0, 5).join(', ')}`, 'eventTypes');
    const description = String(input.description ?? '').trim();
    if (description.length > MAX_DESCRIPTION)
      throw new BadUserInputError(`description must be at most ${MAX_DESCRIPTION} characters`, 'description');
    if ((await this.endpoints.forOrganization(organizationId)).length >= MAX_ENDPOINTS_PER_ORG)
      throw new BadUserInputError(`at most ${MAX_ENDPOINTS_PER_ORG} endpoints per organisation`, 'url');
    const secret = newSigningSecret();
    const now = this.clock();
    const endpoint = await this.endpoints.create({
      organizationId,
      url,
      // Every endpoint takes sendTestWebhook's event.
      eventTypes: [...eventTypes, 'webhook.test'],
      description,
      status: 'ACTIVE',
      consecutiveFailures: 0,
      disabledAt: null,
      secrets: [{ sealed: this.box.seal(secret), createdAt: now, expiresAt: null }],
      createdAt: now,
    });
    this.forgetEndpoints();
    return { endpoint, secret };
  }

  /** The org's endpoint, or NOT_FOUND (also for another org's: ids are not confirmed to exist). */
  async ownEndpoint(organizationId: string, id: string): Promise<EndpointDocument> {
    const _id = parseId(id, 'endpointId');
    const endpoint = await this.endpoints.get(_id);
    if (!endpoint || endpoint.organizationId !== organizationId) throw new NotFoundError('Webhook endpoint');
    return endpoint;
  }

  async rotateSecret(organizationId: string, id: string, overlapMs = this.settings.rotationOverlapMs) {
    const endpoint = await this.ownEndpoint(organizationId, id);
    const secret = newSigningSecret();
    const now = this.clock();
    const rotated = await this.endpoints.rotate(
      endpoint._id,
      this.box.seal(secret),
      now,
      new Date(now.getTime() + overlapMs),
    );
    if (!rotated) throw new NotFoundError('Webhook endpoint');
    return { endpoint: rotated, secret };
  }

  async enable(organizationId: string, id: string) {
    const endpoint = await this.ownEndpoint(organizationId, id);
    const enabled = (await this.endpoints.enable(endpoint._id))!;
    this.forgetEndpoints();
    return enabled;
  }

  list(organizationId: string) {
    return this.endpoints.forOrganization(organizationId);
  }

  async log(organizationId: string, endpointId: string, page: PageArgs) {
    const endpoint = await this.ownEndpoint(organizationId, endpointId);
    return this.deliveries.page({ endpointId: endpoint._id }, page);
  }

  async delivery(organizationId: string, id: string): Promise<WebhookDeliveryDocument> {
    const found = await this.deliveries.get(parseId(id, 'id'));
    if (!found || found.organizationId !== organizationId) throw new NotFoundError('Webhook delivery');
    return found;
  }

  /** A `webhook.test` event to the endpoint, sent now; answers the delivery as the attempt left it. */
  async sendTest(organizationId: string, endpointId: string) {
    const endpoint = await this.ownEndpoint(organizationId, endpointId);
    const now = this.clock();
    const key = `test:${randomUUID()}`;
    const doc = this.newDelivery(endpoint, {
      eventId: messageId(key),
      eventType: 'webhook.test',
      vehicleId: null,
      scope: null,
      payload: JSON.stringify({
        type: 'webhook.test',
        timestamp: now.toISOString(),
        data: { endpointId: endpoint._id.toHexString() },
      }),
      dedupeKey: key,
      replayOf: null,
      now,
    });
    await this.deliveries.insertNew([doc]);
    return this.worker.attemptNow(doc);
  }

  /**
   * Sends a delivery's message again, as a new delivery with the same message id (webhook-id)
   * and body: receivers that dedupe on the id see it as the same event.
   */
  async replay(organizationId: string, id: string) {
    const original = await this.delivery(organizationId, id);
    const endpoint = await this.ownEndpoint(organizationId, original.endpointId.toHexString());
    const _id = new ObjectId();
    const doc = {
      ...this.newDelivery(endpoint, {
        eventId: original.eventId,
        eventType: original.eventType,
        vehicleId: original.vehicleId,
        scope: original.scope,
        payload: original.payload,
        dedupeKey: `replay:${_id.toHexString()}`,
        replayOf: original._id,
        now: this.clock(),
      }),
      _id,
    };
    await this.deliveries.insertNew([doc]);
    return this.worker.attemptNow(doc);
  }

  /**
   * One event to every active endpoint subscribed to its type whose org may have it: for a
   * vehicle, the orgs holding a live grant (with the event's scope); otherwise the org that is
   * the event's customer. Idempotent: a redelivered source event queues nothing twice.
   */
  async publish(event: WebhookEvent): Promise<number> {
    const candidates = await this.subscribed(event.type);
    if (candidates.length === 0) return 0;
    const scope = scopeOf(event.type);
    const granted = event.vehicleId ? new Set(await this.grants.organizationsFor(event.vehicleId, scope)) : new Set();
    const targets = candidates.filter(
      (e) => granted.has(e.organizationId) || (event.customerId !== null && e.organizationId === event.customerId),
    );
    if (targets.length === 0) return 0;
    const eventId = messageId(event.key);
    // Per-resource order is told by `sequence` (not by holding deliveries back, which would let
    // one failing event stall its resource for up to the retry window): a receiver applies an
    // event only if its sequence is above the last one it applied for the resource. It is the
    // event's position in the platform's log, so it costs no write, is the same for every
    // endpoint and redelivery, and grows with the order the resource's events happened in.
    const sequence = event.position;
    const payload = JSON.stringify({
      type: event.type,
      timestamp: event.at.toISOString(),
      sequence,
      resource: event.resource,
      data: event.data,
    });
    const now = this.clock();
    const claimNow = this.worker.hasRoom();
    const docs = targets.map((endpoint) => ({
      ...this.newDelivery(endpoint, {
        eventId,
        eventType: event.type,
        // An org that is the customer itself needs no grant; others are checked again at delivery.
        vehicleId: event.vehicleId && endpoint.organizationId !== event.customerId ? event.vehicleId : null,
        scope,
        payload,
        dedupeKey: `${endpoint._id.toHexString()}:${eventId}`,
        replayOf: null,
        now,
      }),
      ...(claimNow ? { status: 'SENDING' as const, leaseUntil: this.worker.leaseUntil(now) } : {}),
    }));
    const inserted = await this.deliveries.insertNew(docs);
    if (claimNow) this.worker.enqueue(inserted);
    return inserted.length;
  }

  private readonly subscribedCache = new Map<string, { at: number; endpoints: Promise<EndpointDocument[]> }>();

  /**
   * Active endpoints listening to `type`, reused for a second: a busy stream does not read the
   * endpoints once per event. A new endpoint hears events from at most a second later; one
   * disabled meanwhile is caught at delivery time.
   */
  /** Endpoints changed here (created, enabled, disabled): read them again on the next event. */
  forgetEndpoints(): void {
    this.subscribedCache.clear();
  }

  private subscribed(type: string): Promise<EndpointDocument[]> {
    const cached = this.subscribedCache.get(type);
    if (cached && Date.now() - cached.at < 1000) return cached.endpoints;
    const endpoints = this.endpoints.subscribed(subscriptionNames(type));
    this.subscribedCache.set(type, { at: Date.now(), endpoints });
    endpoints.catch(() => this.subscribedCache.delete(type));
    return endpoints;
  }

  private newDelivery(
    endpoint: EndpointDocument,
    d: {
      eventId: string;
      eventType: string;
      vehicleId: string | null;
      scope: VehicleScope | null;
      payload: string;
      dedupeKey: string;
      replayOf: ObjectId | null;
      now: Date;
    },
  ): WebhookDeliveryDocument {
    return {
      _id: new ObjectId(),
      endpointId: endpoint._id,
      organizationId: endpoint.organizationId,
      eventId: d.eventId,
      eventType: d.eventType,
      vehicleId: d.vehicleId,
      scope: d.scope,
      payload: d.payload,
      dedupeKey: d.dedupeKey,
      status: d.replayOf || d.eventType === 'webhook.test' ? 'SENDING' : 'QUEUED',
      attempts: 0,
      nextAttemptAt: d.now,
      leaseUntil: d.replayOf || d.eventType === 'webhook.test' ? this.worker.leaseUntil(d.now) : null,
      giveUpAt: new Date(d.now.getTime() + this.settings.retryWindowMs),
      lastStatusCode: null,
      lastError: null,
      lastResponse: null,
      log: [],
      createdAt: d.now,
      sentAt: null,
      replayOf: d.replayOf,
    };
  }
}

function parseId(id: string, field: string): ObjectId {
  const text = String(id);
  if (!/^[0-9a-f]{24}$/.test(text)) throw new BadUserInputError(`${field} is not a valid id`, field);
  return new ObjectId(text);
}
