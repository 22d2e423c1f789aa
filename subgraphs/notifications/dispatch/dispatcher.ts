import type { ObjectId } from 'mongodb';
import type { Logger } from '../../../platform/logger.js';
import type { OutboundDelivery, SendResult } from '../channels/channel.js';
import type { DeliveryDocument, DeliveryStore, NewDelivery } from '../deliveries/delivery.store.js';
import type { InboxLive } from '../inbox/live.js';
import type { NotificationStore } from '../inbox/notification.store.js';
import type { NotificationMetrics } from '../metrics.js';
import { channelsFor, isUrgent, quietUntil, type Preferences } from '../preferences/policy.js';
import type { PreferenceStore } from '../preferences/preference.store.js';
import { render, type TemplateVars } from '../templates/templates.js';
import type { UnsubscribeTokens } from '../unsubscribe/token.js';
import {
  INTERRUPTING_CHANNELS,
  type Category,
  type ChannelName,
  type DeliveryStatus,
  type NotificationKind,
  type NotificationSeverity,
} from '../vocabulary.js';
import type { CapStore } from './cap.store.js';
import type { FoldStore } from './fold.store.js';

/** What a source asks for: one event, told to some users. */
export interface NotificationRequest {
  /**
   * The source event's stable id (`<stream>:<event id>`, `agents:<decision>:<vehicle>`): a
   * redelivery with the same key creates nothing twice.
   */
  sourceKey: string;
  userIds: readonly string[];
  category: Category;
  kind: NotificationKind;
  severity: NotificationSeverity;
  vars: TemplateVars;
  /**
   * Events with the same fold key (`alert:<vehicle>:<rule>`) within NOTIFY_DEDUPE_MINUTES of the
   * first fold into its inbox entry and send nothing more on interrupting channels.
   */
  foldKey?: string;
}

export interface Dispatched {
  userId: string;
  notificationId: string;
  folded: boolean;
  deliveries: { channel: ChannelName; status: DeliveryStatus }[];
}

export interface DispatchSettings {
  dedupeWindowMs: number;
  /** Interrupting notifications per user per clock hour; urgent ones are not counted or held. */
  hourlyCap: number;
}

/** Whoever sends due deliveries (the DeliveryWorker). */
export interface DeliveryKicker {
  /** Whether this instance sends on the channel (a due delivery is then queued already claimed). */
  sends(channel: ChannelName): boolean;
  readonly leaseMs: number;
  /** Sends deliveries queued claimed by this instance, now. */
  sendClaimed(deliveries: DeliveryDocument[]): void;
  /** Sends on an inline channel (Channel.inline) before the delivery is stored; null when there is none here. */
  sendInline(channel: ChannelName, delivery: OutboundDelivery): Promise<SendResult> | null;
}

/**
 * The pipeline: for each user, one inbox entry (or a fold into the open window's entry), then a
 * delivery per channel their preferences allow, held past quiet hours or suppressed past the
 * hourly cap; due ones are queued claimed by this instance and sent at once. Every step is
 * idempotent on the source key, so a source consumer may be redelivered at any point and still
 * leaves one entry and one delivery per channel.
 */
export class Dispatcher {
  constructor(
    private readonly notifications: NotificationStore,
    private readonly deliveries: DeliveryStore,
    private readonly preferences: PreferenceStore,
    private readonly folds: FoldStore,
    private readonly caps: CapStore,
    private readonly live: InboxLive,
    private readonly worker: DeliveryKicker,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly settings: DispatchSettings,
    private readonly metrics: NotificationMetrics,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private async sendInline(planned: NewDelivery, now: Date): Promise<void> {
    if (!planned.claimedUntil) return;
    const outbound: OutboundDelivery = {
      id: `${planned.notificationId}:${planned.channel}`,
      notificationId: planned.notificationId,
      userId: planned.userId,
      channel: planned.channel,
      category: planned.category,
      kind: planned.kind,
      severity: planned.severity,
      attempt: 1,
      createdAt: now,
      message: planned.message,
    };
    const sending = this.worker.sendInline(planned.channel, outbound);
    if (!sending) return;
    const result = await sending.catch(() => null);
    // Anything but sent: stored queued and claimed as planned, and the worker tries it (with retries).
    if (result?.status !== 'sent') return;
    delete planned.claimedUntil;
    planned.sentInline = { providerId: result.providerId ?? null };
  }

  async dispatch(request: NotificationRequest): Promise<Dispatched[]> {
    const userIds = [...new Set(request.userIds)];
    const prefs = await this.preferences.many(userIds);
    return Promise.all(userIds.map((userId) => this.forUser(request, userId, prefs.get(userId)!)));
  }

  private async forUser(request: NotificationRequest, userId: string, prefs: Preferences): Promise<Dispatched> {
    const now = this.clock();
    const message = render(request.kind, request.vars, {
      locale: prefs.locale,
      timeZone: prefs.timeZone,
      ...(request.category === 'MARKETING' ? { unsubscribeUrl: this.unsubscribe.link(userId) } : {}),
    });
    const words = {
      kind: request.kind,
      severity: request.severity,
      title: message.title,
      body: message.text,
      deepLink: message.deepLink,
      data: message.data,
    };

    let windowEntry: ObjectId | undefined;
    if (request.foldKey) {
      const claim = await this.folds.claim(
        userId,
        request.foldKey,
        request.sourceKey,
        now,
        this.settings.dedupeWindowMs,
      );
      if (!claim.owner) {
        const folded = await this.notifications.fold(claim.notificationId, request.sourceKey, words, now);
        if (folded) {
          this.live.publishQuietly(folded);
          this.metrics.notifications.inc({ kind: request.kind, outcome: 'folded' });
        }
        return { userId, notificationId: claim.notificationId.toHexString(), folded: true, deliveries: [] };
      }
      windowEntry = claim.notificationId;
    }

    const { doc, created } = await this.notifications.insertOnce(
      {
        userId,
        sourceKey: request.sourceKey,
        category: request.category,
        locale: prefs.locale,
        createdAt: now,
        ...words,
      },
      windowEntry,
    );
    if (created) this.metrics.notifications.inc({ kind: request.kind, outcome: 'created' });
    const notificationId = doc._id.toHexString();

    const channels = channelsFor(prefs, request.category);
    const urgent = isUrgent(request.category, request.severity);
    // The cap is counted once per notification that would interrupt, and only by the call that created it.
    const interrupts = channels.some((c) => INTERRUPTING_CHANNELS.includes(c));
    const withinCap = !interrupts || urgent || !created || (await this.caps.take(userId, now, this.settings.hourlyCap));

    const planned: NewDelivery[] = channels.map((channel) => {
      const capped = !withinCap && INTERRUPTING_CHANNELS.includes(channel);
      const held = quietUntil(prefs, now, channel, request.category, request.severity);
      const sendNow = !capped && !held && this.worker.sends(channel);
      return {
        notificationId,
        userId,
        channel,
        category: request.category,
        kind: request.kind,
        severity: request.severity,
        message,
        status: capped ? ('SUPPRESSED' as const) : ('QUEUED' as const),
        nextAttemptAt: held ?? now,
        reason: capped ? 'hourly cap' : held ? 'quiet hours' : null,
        ...(sendNow ? { claimedUntil: new Date(now.getTime() + this.worker.leaseMs) } : {}),
      };
    });
    // Inline channels (IN_APP) go first, and only from the call that made the entry: the answer is stored with the delivery.
    if (created) await Promise.all(planned.map((d) => this.sendInline(d, now)));
    const queued = await this.deliveries.enqueue(planned, now);
    for (const d of queued) this.metrics.deliveries.inc({ channel: d.channel, status: d.status });
    const claimed = queued.filter((d) => d.fresh && d.status === 'SENDING');
    if (claimed.length) this.worker.sendClaimed(claimed);
    this.logger.debug({ userId, notificationId, kind: request.kind, channels }, 'notification dispatched');
    return {
      userId,
      notificationId,
      folded: false,
      deliveries: queued.map((d) => ({ channel: d.channel, status: d.status })),
    };
  }
}
