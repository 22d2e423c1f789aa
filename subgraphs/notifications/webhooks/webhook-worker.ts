import type { ObjectId } from 'mongodb';
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../../../platform/logger.js';
import type { GrantStore } from '../consent/grant.store.js';
import type { EndpointDocument, EndpointStore } from './endpoint.store.js';
import type { WebhookDeliveryDocument, WebhookDeliveryStore } from './delivery.store.js';
import type { SecretBox } from './secret-box.js';
import { sendWebhook, type SendSettings } from './sender.js';
import type { WebhookMetrics } from './webhook-metrics.js';

export interface WebhookWorkerSettings extends SendSettings {
  pollMs: number;
  leaseMs: number;
  /** Attempts in flight per instance. */
  concurrency: number;
  /** Backoff: base * 2^(attempt-1) capped at maxMs, with jitter; retried until the delivery's giveUpAt. */
  baseMs: number;
  maxMs: number;
  /** Consecutive failed attempts (any delivery) after which the endpoint is disabled. */
  disableAfter: number;
}

/** Called once, by the instance whose failure disabled the endpoint. */
export type OnDisabled = (endpoint: EndpointDocument) => Promise<void>;

/** The wait before the next attempt after `attempts` failed ones: exponential, "equal jitter". */
export function webhookRetryDelay(settings: { baseMs: number; maxMs: number }, attempts: number, random = Math.random) {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Sends deliveries. Each attempt runs under a claim (status SENDING, attempts unchanged, a lease):
 * two instances never send one attempt twice, and an instance that dies mid-attempt leaves a
 * lease that another takes over when it runs out (at least once). Consent is checked again
 * here, just before sending: a grant revoked after the delivery was queued drops it.
 */
export class WebhookWorker {
  private readonly queue: WebhookDeliveryDocument[] = [];
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = true;
  private readonly endpointCache = new Map<string, { at: number; endpoint: EndpointDocument | null }>();
  private pendingSettles: {
    outcome: { id: ObjectId; attempts: number; set: Partial<WebhookDeliveryDocument> };
    done: () => void;
    fail: (e: Error) => void;
  }[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly idle = new Set<() => void>();
  private readonly waiters = new Map<string, (doc: WebhookDeliveryDocument) => void>();

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly endpoints: EndpointStore,
    private readonly grants: GrantStore,
    private readonly box: SecretBox,
    private readonly settings: WebhookWorkerSettings,
    private readonly onDisabled: OnDisabled,
    private readonly metrics: WebhookMetrics,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.queue.length = 0;
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    await this.flushSettles();
    await Promise.all(this.flushing);
  }

  /** Room for claims made by the caller (fan-out inserts them already SENDING under this instance's lease). */
  hasRoom(): boolean {
    return !this.stopped && this.queue.length < this.settings.concurrency * 4;
  }

  leaseUntil(now = this.clock()): Date {
    return new Date(now.getTime() + this.settings.leaseMs);
  }

  /** Attempts deliveries already claimed (SENDING with a lease) by this instance. */
  enqueue(docs: WebhookDeliveryDocument[]): void {
    this.queue.push(...docs);
    this.pump();
  }

  /** Attempts a claimed delivery now and resolves with it as settled (sendTestWebhook, replays). */
  attemptNow(doc: WebhookDeliveryDocument): Promise<WebhookDeliveryDocument> {
    return new Promise((resolve) => {
      this.waiters.set(doc._id.toHexString(), resolve);
      this.queue.unshift(doc);
      this.pump();
    });
  }

  /** Finds due deliveries (retries, other instances' expired leases) and claims what fits. */
  async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const room = this.settings.concurrency * 4 - this.queue.length;
      if (room <= 0) return;
      const now = this.clock();
      const due = await this.deliveries.due(now, room);
      const mine = await this.deliveries.claimMany(due, this.leaseUntil(now), now);
      if (mine.length > 0) this.enqueue(mine);
    } catch (error) {
      this.logger.warn({ err: error }, 'webhook poll failed');
    } finally {
      this.polling = false;
    }
  }

  private pump(): void {
    while (this.active < this.settings.concurrency && this.queue.length > 0 && !this.stopped) {
      const doc = this.queue.shift()!;
      // Its lease ran out while it waited here: another instance (or the next poll) takes it.
      if (doc.leaseUntil && doc.leaseUntil.getTime() < Date.now()) continue;
      this.active++;
      const key = doc._id.toHexString();
      const waiter = this.waiters.get(key);
      this.waiters.delete(key);
      // The slot is free once the request is answered; its settle goes in the next bulk write.
      void this.attempt(doc)
        .then(({ settled }) => {
          settled.then(
            (d) => waiter?.(d),
            (error) => this.logger.error({ err: error, deliveryId: key }, 'webhook settle failed'),
          );
        })
        .catch((error) => this.logger.error({ err: error, deliveryId: key }, 'webhook attempt failed'))
        .finally(() => {
          this.active--;
          if (this.active === 0) for (const resolve of this.idle) resolve();
          this.idle.clear();
          this.pump();
        });
    }
  }

  private async endpoint(id: ObjectId): Promise<EndpointDocument | null> {
    const key = id.toHexString();
    const cached = this.endpointCache.get(key);
    // A second's reuse: a busy endpoint is not read once per event; a disable or rotation shows within it.
    if (cached && Date.now() - cached.at < 1000) return cached.endpoint;
    const endpoint = await this.endpoints.get(id);
    this.endpointCache.set(key, { at: Date.now(), endpoint });
    if (this.endpointCache.size > 10_000) this.endpointCache.delete(this.endpointCache.keys().next().value!);
    return endpoint;
  }

  private async attempt(doc: WebhookDeliveryDocument): Promise<{ settled: Promise<WebhookDeliveryDocument> }> {
    const started = this.clock();
    const manual = doc.replayOf !== null || doc.eventType === 'webhook.test';
    const endpoint = await this.endpoint(doc.endpointId);
    if (!endpoint || (endpoint.status !== 'ACTIVE' && !manual))
      return this.settle(doc, { status: 'DROPPED', lastError: endpoint ? 'endpoint disabled' : 'endpoint removed' });
    if (doc.vehicleId && !(await this.grants.allows(doc.vehicleId, doc.organizationId, doc.scope))) {
      this.metrics.dropped.inc();
      return this.settle(doc, { status: 'DROPPED', lastError: 'access to the vehicle was revoked' });
    }
    const secrets = endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > started);
    // During a rotation's overlap every live secret signs: receivers on either secret verify.
    const signature = secrets
      .map((s) => new Webhook(this.box.open(s.sealed)).sign(doc.eventId, started, doc.payload))
      .join(' ');
    const result = await sendWebhook(
      endpoint.url,
      doc.payload,
      {
        'webhook-id': doc.eventId,
        'webhook-timestamp': String(Math.floor(started.getTime() / 1000)),
        'webhook-signature': signature,
      },
      this.settings,
    );
    const now = this.clock();
    const attempts = doc.attempts + 1;
    const log = [
      ...doc.log,
      {
        at: started,
        statusCode: 'statusCode' in result ? result.statusCode : null,
        error: result.kind === 'delivered' ? null : result.error,
        durationMs: now.getTime() - started.getTime(),
      },
    ].slice(-20);
    const response = 'body' in result && result.body !== null ? result.body.slice(0, 1024) : null;
    this.metrics.attempts.inc({ outcome: result.kind });
    if (result.kind === 'delivered') {
      if (endpoint.consecutiveFailures > 0) {
        await this.endpoints.recordSuccess(endpoint._id);
        this.endpointCache.delete(endpoint._id.toHexString());
      }
      return this.settle(doc, {
        status: 'SENT',
        attempts,
        log,
        sentAt: now,
        lastStatusCode: result.statusCode,
        lastError: null,
        lastResponse: response,
      });
    }
    if (result.kind === 'refused') return this.settle(doc, { status: 'DEAD', attempts, log, lastError: result.error });
    const delay = webhookRetryDelay(this.settings, attempts);
    const giveUp = now.getTime() + delay > doc.giveUpAt.getTime();
    const disabledNow =
      !manual &&
      (await this.endpoints.recordFailure(endpoint._id, this.settings.disableAfter, now).catch((error) => {
        this.logger.warn({ err: error }, 'could not count a webhook endpoint failure');
        return false;
      }));
    if (disabledNow) {
      this.endpointCache.delete(endpoint._id.toHexString());
      this.logger.warn(
        { endpointId: endpoint._id.toHexString() },
        'webhook endpoint disabled after consecutive failures',
      );
      await this.onDisabled(endpoint).catch((error) =>
        this.logger.error({ err: error }, 'could not tell the owner of a disabled webhook endpoint'),
      );
    }
    return this.settle(doc, {
      status: giveUp || manual ? 'DEAD' : 'FAILED',
      attempts,
      log,
      nextAttemptAt: new Date(now.getTime() + delay),
      lastStatusCode: result.statusCode,
      lastError: result.error,
      lastResponse: response,
    });
  }

  private settle(doc: WebhookDeliveryDocument, set: Partial<WebhookDeliveryDocument>) {
    return { settled: this.finish(doc, set) };
  }

  /** Settles in batches (one bulk write per few ms), each only while it is still this claim. */
  private finish(
    doc: WebhookDeliveryDocument,
    set: Partial<WebhookDeliveryDocument>,
  ): Promise<WebhookDeliveryDocument> {
    this.metrics.settled.inc({ status: set.status ?? 'UNKNOWN' });
    return new Promise((resolve, reject) => {
      this.pendingSettles.push({
        outcome: { id: doc._id, attempts: doc.attempts, set },
        done: () => resolve({ ...doc, ...set, leaseUntil: null }),
        fail: reject,
      });
      if (this.pendingSettles.length >= 200) void this.flushSettles();
      else this.settleTimer ??= setTimeout(() => void this.flushSettles(), 5);
    });
  }

  private readonly flushing = new Set<Promise<void>>();

  private flushSettles(): Promise<void> {
    const flush = this.flushBatch();
    this.flushing.add(flush);
    void flush.finally(() => this.flushing.delete(flush));
    return flush;
  }

  private async flushBatch(): Promise<void> {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    const batch = this.pendingSettles;
    this.pendingSettles = [];
    if (batch.length === 0) return;
    try {
      await this.deliveries.settle(batch.map((b) => b.outcome));
      for (const b of batch) b.done();
    } catch (error) {
      // Unsettled claims are retried by whoever takes them after their lease.
      for (const b of batch) b.fail(error as Error);
    }
  }
}
