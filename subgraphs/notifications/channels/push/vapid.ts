import type { Db } from 'mongodb';
import webPush from 'web-push';
import type { Logger } from '../../../../platform/logger.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** A mailto: or https: contact the push services can reach (RFC 8292 `sub`). */
  subject: string;
}

interface VapidDocument {
  _id: 'vapid';
  publicKey: string;
  privateKey: string;
  createdAt: Date;
}

/**
 * The server's VAPID key pair. Configured keys win. Otherwise, outside production, a pair is
 * generated once and kept in the database: every instance signs with it and browsers'
 * subscriptions (made against its public key) survive restarts. Production without keys has
 * no push channel (null): its deliveries stay queued until keys are configured.
 */
export async function vapidKeys(
  db: Db,
  options: { publicKey?: string | undefined; privateKey?: string | undefined; subject: string; isProduction: boolean },
  logger: Logger,
): Promise<VapidKeys | null> {
  if (options.publicKey && options.privateKey) {
    // Throws on malformed keys: better at start-up than at the first alert.
    webPush.setVapidDetails(options.subject, options.publicKey, options.privateKey);
    return { publicKey: options.publicKey, privateKey: options.privateKey, subject: options.subject };
  }
  if (options.isProduction) {
    logger.warn('VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY are not set: Web Push deliveries stay queued');
    return null;
  }
  const keys = db.collection<VapidDocument>('push_vapid');
  const fresh = webPush.generateVAPIDKeys();
  // Two instances starting at once: the first insert wins and both read it back.
  await keys.updateOne(
    { _id: 'vapid' },
    { $setOnInsert: { publicKey: fresh.publicKey, privateKey: fresh.privateKey, createdAt: new Date() } },
    { upsert: true },
  );
  const stored = (await keys.findOne({ _id: 'vapid' }))!;
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject: options.subject };
}
