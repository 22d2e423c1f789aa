import http from 'node:http';
import https from 'node:https';
import webPush from 'web-push';
import type { Logger } from '../../../../platform/logger.js';
import { pinnedLookup, UnsafeUrlError } from '../../../../platform/net/ssrf-guard.js';
import { permanent, retryable, sent, type Channel, type OutboundDelivery, type SendResult } from '../channel.js';
import { checkPushEndpoint, type EndpointPolicy } from './push-endpoint.js';
import type { PushDeviceDocument, PushDeviceStore } from './push-device.store.js';
import type { VapidKeys } from './vapid.js';

export interface PushSettings extends EndpointPolicy {
  /** How long the push service keeps an undelivered message (seconds). */
  ttlSeconds: number;
  timeoutMs: number;
}

/** What the service worker receives (decrypted): enough to show it and open the app at the right place. */
export interface PushPayload {
  notificationId: string;
  kind: string;
  severity: string;
  title: string;
  body: string;
  deepLink: string;
  data: Record<string, string>;
}

/** Web Push payloads must fit in 4 kB once encrypted; the body is cut well below that. */
const MAX_BODY_CHARS = 1000;

type DeviceOutcome = { ok: true } | { ok: false; retry: boolean; reason: string };

/**
 * Web Push (RFC 8030/8291/8292) through `web-push`: it signs the VAPID JWT and encrypts the
 * payload (aes128gcm); the request itself goes out here, to the address the SSRF guard checked
 * (DNS rebinding cannot redirect it), with a short timeout. A 404/410 means the browser dropped
 * the subscription: the device is removed. Sent when at least one device accepted it (a retry
 * would push twice to the ones that did); retried when none did and one may later.
 */
export class PushChannel implements Channel {
  readonly name = 'PUSH' as const;

  constructor(
    private readonly devices: PushDeviceStore,
    private readonly vapid: VapidKeys,
    private readonly settings: PushSettings,
    private readonly logger: Logger,
  ) {}

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    const devices = await this.devices.byUser(delivery.userId);
    if (devices.length === 0) return permanent('no push device');
    const { message } = delivery;
    const payload: PushPayload = {
      notificationId: delivery.notificationId,
      kind: delivery.kind,
      severity: delivery.severity,
      title: message.title,
      body: message.text.slice(0, MAX_BODY_CHARS),
      deepLink: message.deepLink,
      data: message.data,
    };
    const outcomes = await Promise.all(devices.map((d) => this.toDevice(d, delivery, JSON.stringify(payload))));
    if (outcomes.some((o) => o.ok)) return sent(`${outcomes.filter((o) => o.ok).length}/${devices.length} devices`);
    const failures = outcomes.filter((o): o is Extract<DeviceOutcome, { ok: false }> => !o.ok);
    const reason = failures.map((f) => f.reason).join('; ');
    return failures.some((f) => f.retry) ? retryable(reason) : permanent(reason);
  }

  private async toDevice(
    device: PushDeviceDocument,
    delivery: OutboundDelivery,
    payload: string,
  ): Promise<DeviceOutcome> {
    let checked;
    try {
      checked = await checkPushEndpoint(device.endpoint, this.settings);
    } catch (error) {
      if (error instanceof UnsafeUrlError)
        return { ok: false, retry: false, reason: `endpoint refused: ${error.message}` };
      throw error;
    }
    let request;
    try {
      request = webPush.generateRequestDetails(
        { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
        payload,
        {
          vapidDetails: this.vapid,
          TTL: this.settings.ttlSeconds,
          contentEncoding: 'aes128gcm',
          urgency: delivery.severity === 'CRITICAL' || delivery.severity === 'HIGH' ? 'high' : 'normal',
          // Replaces an earlier push about the same notification still waiting at the push service.
          topic: delivery.notificationId.slice(-32),
        },
      );
    } catch (error) {
      return { ok: false, retry: false, reason: `cannot encrypt for this device: ${(error as Error).message}` };
    }
    let status: number;
    try {
      status = await post(checked.url, request.headers as Record<string, string>, request.body as Buffer | null, {
        lookup: pinnedLookup(checked),
        timeoutMs: this.settings.timeoutMs,
      });
    } catch (error) {
      return { ok: false, retry: true, reason: `push service unreachable: ${(error as Error).message}` };
    }
    if (status >= 200 && status < 300) return { ok: true };
    if (status === 404 || status === 410) {
      await this.devices.removeGone(device._id, device.endpoint);
      this.logger.info({ deviceId: device._id.toHexString(), status }, 'push subscription gone: device removed');
      return { ok: false, retry: false, reason: `subscription gone (${status})` };
    }
    const retry = status === 429 || status >= 500;
    return { ok: false, retry, reason: `push service answered ${status}` };
  }
}

/** One POST, its answer's status; the body is read and dropped (never more than a little). */
function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer | null,
  options: { lookup: ReturnType<typeof pinnedLookup>; timeoutMs: number },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(body?.length ?? 0) },
        lookup: options.lookup as never,
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
