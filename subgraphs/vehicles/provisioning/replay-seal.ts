import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * A provisionFleet request is answered again, device tokens included, when retried with its
 * idempotency key (its caller may have lost the first answer). Tokens are credentials, so the
 * stored answer keeps them sealed (AES-256-GCM) under a key derived from the idempotency key,
 * which is never stored: the record is found by another digest of it. Whoever reads the
 * database without the idempotency key cannot open them.
 */

const digest = (purpose: string, actorId: string, idempotencyKey: string) =>
  createHash('sha256').update(`clutch:fleet:${purpose}\0${actorId}\0${idempotencyKey}`).digest();

/** The stored request's id: one per caller and idempotency key. */
export const requestIdOf = (actorId: string, idempotencyKey: string) =>
  digest('request', actorId, idempotencyKey).toString('hex');

export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

export function seal(value: unknown, actorId: string, idempotencyKey: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', digest('seal', actorId, idempotencyKey), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Null when the box was not sealed under this caller and key (or was altered). */
export function unseal<T>(box: Sealed, actorId: string, idempotencyKey: string): T | null {
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      digest('seal', actorId, idempotencyKey),
      Buffer.from(box.iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
