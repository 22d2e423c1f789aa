import type { Db } from 'mongodb';
import type { Logger } from '../../../../platform/logger.js';
import { PushDeviceStore } from './push-device.store.js';
import { PushDevices } from './push-devices.js';
import { PushChannel } from './push.channel.js';
import { vapidKeys } from './vapid.js';

export interface PushConfig {
  vapidPublicKey?: string | undefined;
  vapidPrivateKey?: string | undefined;
  vapidSubject: string;
  isProduction: boolean;
  /** Push services on loopback (local test services); never in production unless set. */
  allowLoopback: boolean;
  maxDevicesPerUser: number;
  ttlSeconds: number;
  timeoutMs: number;
}

/** Devices (for the resolver) and the channel (null when push is off: PUSH deliveries stay queued). */
export async function createPush(db: Db, logger: Logger, config: PushConfig | undefined) {
  const store = new PushDeviceStore(db);
  await store.init();
  const keys = config
    ? await vapidKeys(
        db,
        {
          publicKey: config.vapidPublicKey,
          privateKey: config.vapidPrivateKey,
          subject: config.vapidSubject,
          isProduction: config.isProduction,
        },
        logger,
      )
    : null;
  const policy = { allowLoopback: config?.allowLoopback ?? false };
  const devices = new PushDevices(store, keys?.publicKey ?? null, {
    ...policy,
    maxPerUser: config?.maxDevicesPerUser ?? 10,
  });
  const channel =
    keys && config
      ? new PushChannel(store, keys, { ...policy, ttlSeconds: config.ttlSeconds, timeoutMs: config.timeoutMs }, logger)
      : null;
  return { devices, channel };
}

/** PushConfig from the process configuration. */
export function pushConfigFrom(config: {
  VAPID_PUBLIC_KEY?: string | undefined;
  VAPID_PRIVATE_KEY?: string | undefined;
  VAPID_SUBJECT: string;
  PUSH_ALLOW_LOOPBACK?: boolean | undefined;
  PUSH_MAX_DEVICES_PER_USER: number;
  PUSH_TTL_SECONDS: number;
  PUSH_TIMEOUT_MS: number;
  isProduction: boolean;
}): PushConfig {
  return {
    vapidPublicKey: config.VAPID_PUBLIC_KEY,
    vapidPrivateKey: config.VAPID_PRIVATE_KEY,
    vapidSubject: config.VAPID_SUBJECT,
    isProduction: config.isProduction,
    allowLoopback: config.PUSH_ALLOW_LOOPBACK ?? !config.isProduction,
    maxDevicesPerUser: config.PUSH_MAX_DEVICES_PER_USER,
    ttlSeconds: config.PUSH_TTL_SECONDS,
    timeoutMs: config.PUSH_TIMEOUT_MS,
  };
}
