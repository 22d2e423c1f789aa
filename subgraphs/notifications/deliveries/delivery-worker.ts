import type { Logger } from '../../../platform/logger.js';
import type { OutboundDelivery, SendResult } from '../channels/channel.js';
import type { ChannelSet } from '../channels/channel-set.js';
import type { NotificationMetrics } from '../metrics.js';
import { isUrgent, quietUntil } from '../preferences/policy.js';
import { INTERRUPTING_CHANNELS, type ChannelName } from '../vocabulary.js';
import type { PreferenceStore } from '../preferences/preference.store.js';
import { nextRetryDelay, type BackoffPolicy } from './backoff.js';
import type { DeliveryDocument, DeliveryStore } from './delivery.store.js';

/** Deliveries looked up per pass of the poll. */
const DUE_BATCH = 100;

export interface DeliveryWorkerSettings extends BackoffPolicy {
  /** How often due deliveries are looked for (retries, held ones, ones another instance queued). */
  pollMs: number;
  /** How long a claim lasts; a send must finish well within it. */
  leaseMs: number;
  /** Deliveries sent at once by this instance. */
  concurrency: number;
}

/**
 * Sends due deliveries through their channels. Safe with any number of instances: each
 * delivery is claimed by one conditional update (DeliveryStore.claim) and settled only by the
 * holder of that claim. A delivery due at once is queued already claimed by the instance that
 * queued it and sent straight away (`sendClaimed`); the poll picks up retries, deliveries held
 * by quiet hours, and whatever a dead instance had claimed, once its lease runs out.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly store: DeliveryStore,
    private readonly channels: ChannelSet,
    private readonly preferences: PreferenceStore,
    private readonly settings: DeliveryWorkerSettings,
    private readonly logger: Logger,
    private readonly metrics: NotificationMetrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
    void this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await Promise.all(this.inFlight);
  }

  /** Resolves once the attempts under way (sends of fresh deliveries, a poll) are done: for tests and benchmarks. */
  async idle(): Promise<void> {
    while (this.polling || this.inFlight.size > 0) {
      await this.polling;
      await Promise.all(this.inFlight);
    }
  }

  get leaseMs(): number {
    return this.settings.leaseMs;
  }

  sends(channel: ChannelName): boolean {
    return this.channels.get(channel) !== undefined && !this.stopped;
  }

  sendInline(channel: ChannelName, delivery: OutboundDelivery): Promise<SendResult> | null {
    const inline = this.channels.get(channel);
    if (!inline?.inline || this.stopped) return null;
    return inline.send(delivery).then((result) => {
      if (result.status === 'sent') this.metrics.deliveries.inc({ channel, status: 'SENT' });
      return result;
    });
  }

  /** Sends deliveries the dispatcher queued already claimed by this instance (a fresh lease), now. */
  sendClaimed(deliveries: DeliveryDocument[]): void {
    for (const delivery of deliveries) this.track(this.attempt(delivery));
  }

  /** Claims and sends due deliveries until none is left; one pass at a time per instance. */
  poll(): Promise<void> {
    if (this.polling || this.stopped) return this.polling ?? Promise.resolve();
    this.polling = (async () => {
      try {
        for (;;) {
          const due = await this.store.due(this.channels.names(), this.clock(), DUE_BATCH);
          if (due.length === 0 || this.stopped) return;
          let next = 0;
          await Promise.all(
            Array.from({ length: Math.min(this.settings.concurrency, due.length) }, async () => {
              for (let i = next++; i < due.length && !this.stopped; i = next++) {
                const claimed = await this.store.claim(due[i]!._id, this.clock(), this.settings.leaseMs);
                if (claimed) await this.attempt(claimed);
              }
            }),
          );
          if (due.length < DUE_BATCH) return;
        }
      } catch (err) {
        this.logger.error({ err }, 'delivery poll failed');
      }
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private track(work: Promise<unknown>): void {
    const done = work.then(
      () => undefined,
      (err) => this.logger.error({ err }, 'delivery attempt failed'),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private async attempt(claimed: DeliveryDocument): Promise<void> {
    const channel = this.channels.get(claimed.channel);
    if (!channel) return;
    // Quiet hours are checked again when it is due: a reminder queued by day may fall due at night,
    // and the user may have changed their hours since.
    // (Only where quiet hours could apply: the in-app feed and urgent alerts never wait.)
    const mayWait = INTERRUPTING_CHANNELS.includes(claimed.channel) && !isUrgent(claimed.category, claimed.severity);
    const prefs = mayWait ? await this.preferences.get(claimed.userId) : null;
    const held = prefs && quietUntil(prefs, this.clock(), claimed.channel, claimed.category, claimed.severity);
    if (held) {
      await this.store.settle(
        claimed,
        { status: 'QUEUED', reason: 'quiet hours', nextAttemptAt: held, uncount: true },
        this.clock(),
      );
      return;
    }
    const delivery: OutboundDelivery = {
      id: claimed._id.toHexString(),
      notificationId: claimed.notificationId,
      userId: claimed.userId,
      channel: claimed.channel,
      category: claimed.category,
      kind: claimed.kind,
      severity: claimed.severity,
      attempt: claimed.attempts,
      createdAt: claimed.createdAt,
      message: claimed.message,
    };
    let result: SendResult;
    try {
      result = await channel.send(delivery);
    } catch (error) {
      result = { status: 'retry', reason: (error as Error).message || 'channel error' };
    }
    const at = this.clock();
    if (result.status === 'sent') {
      await this.store.settle(claimed, { status: 'SENT', providerId: result.providerId ?? null }, at);
      this.metrics.deliveries.inc({ channel: claimed.channel, status: 'SENT' });
      this.metrics.deliveryLatency.observe(
        { channel: claimed.channel },
        (at.getTime() - claimed.createdAt.getTime()) / 1000,
      );
      return;
    }
    const wait =
      result.status === 'retry' ? (result.retryAfterMs ?? nextRetryDelay(this.settings, claimed.attempts)) : null;
    const reason = result.reason.slice(0, 500);
    if (wait === null || claimed.attempts >= this.settings.maxAttempts) {
      await this.store.settle(claimed, { status: 'DEAD', reason }, at);
      this.metrics.deliveries.inc({ channel: claimed.channel, status: 'DEAD' });
      this.logger.warn({ deliveryId: delivery.id, channel: claimed.channel, reason }, 'delivery dead');
      return;
    }
    await this.store.settle(claimed, { status: 'FAILED', reason, nextAttemptAt: new Date(at.getTime() + wait) }, at);
    this.metrics.deliveries.inc({ channel: claimed.channel, status: 'FAILED' });
  }
}
