import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { EventBus } from '../../../platform/events/bus.js';
import { NotFoundError } from '../../../platform/errors.js';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import { AuditEventType } from '../audit/audit-event.type.js';
import type { AuditStore } from '../audit/audit.store.js';
import { parseInput } from '../auth/credentials.js';
import { API_KEY_REVOKED, apiKeyRevokedSchema } from '../contract.js';
import type { RequestOrigin } from '../auth/auth.service.js';
import { toApiKey, type ApiKeyStore } from './api-key.store.js';
import { ApiScope, type CreateApiKeyInput, type CreatedApiKey } from './api-key.type.js';

const KEY_FORMAT = /^ck_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const createSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(100, 'name is too long'),
  scopes: z
    .array(z.enum(ApiScope))
    .min(1, 'a key needs at least one scope')
    .transform((s) => [...new Set(s)]),
  expiresAt: z
    .date()
    .refine((d) => d.getTime() > Date.now(), 'expiresAt must be in the future')
    .optional(),
});

export interface VerifiedApiKey {
  keyId: string;
  ownerId: string;
  scopes: ApiScope[];
  /** The gateway ends a socket opened with the key at this moment. */
  expiresAt: string | null;
}

/**
 * Keys are high-entropy random strings, so a fast hash is enough to store them; the id in the
 * key finds the record without scanning.
 */
export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly audit: AuditStore,
    private readonly bus: EventBus,
  ) {}

  async create(input: CreateApiKeyInput, adminId: string, origin: RequestOrigin): Promise<CreatedApiKey> {
    const { name, scopes, expiresAt } = parseInput(createSchema, input);
    const id = new ObjectId();
    const secret = randomBytes(32).toString('base64url');
    const key = `ck_${id.toHexString()}_${secret}`;
    const doc = {
      _id: id,
      name,
      prefix: key.slice(0, 11),
      secretHash: sha256(secret),
      scopes,
      createdBy: adminId,
      createdAt: new Date(),
      expiresAt: expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insert(doc);
    await this.audit.record({
      type: AuditEventType.API_KEY_CREATED,
      actorId: adminId,
      detail: `${id.toHexString()} ${scopes.join(',')}`,
      ...origin,
    });
    return { key, apiKey: toApiKey(doc) };
  }

  async revoke(id: string, adminId: string, origin: RequestOrigin) {
    const doc = ObjectId.isValid(id) && id.length === 24 ? await this.store.revoke(new ObjectId(id), new Date()) : null;
    if (!doc) throw new NotFoundError('API key');
    await this.audit.record({ type: AuditEventType.API_KEY_REVOKED, actorId: adminId, detail: id, ...origin });
    // Also when it was revoked before: a gateway that missed the first announcement catches up.
    await this.bus.publish(API_KEY_REVOKED, apiKeyRevokedSchema.parse({ keyId: id, at: doc.revokedAt }));
    return toApiKey(doc);
  }

  list(includeRevoked: boolean, page: PageArgs) {
    return this.store.list(includeRevoked, page);
  }

  /** Null for anything but a live key, without saying which check failed. */
  async verify(key: string, now = new Date()): Promise<VerifiedApiKey | null> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return null;
    const doc = await this.store.findById(new ObjectId(match[1]));
    if (!doc || !timingSafeEqual(Buffer.from(sha256(match[2]!)), Buffer.from(doc.secretHash))) return null;
    if (doc.revokedAt || (doc.expiresAt && doc.expiresAt <= now)) return null;
    void this.store.touch(doc._id, now).catch(() => undefined);
    return {
      keyId: doc._id.toHexString(),
      ownerId: doc.createdBy,
      scopes: doc.scopes,
      expiresAt: doc.expiresAt?.toISOString() ?? null,
    };
  }
}
