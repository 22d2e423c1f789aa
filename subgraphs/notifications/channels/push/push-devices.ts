import {
  ConflictError,
  BadUserInputError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../../../platform/errors.js';
import { toObjectId } from '../../../../platform/mongo/object-id.js';
import { UnsafeUrlError } from '../../../../platform/net/ssrf-guard.js';
import { checkPushEndpoint, type EndpointPolicy } from './push-endpoint.js';
import type { PushDeviceDocument, PushDeviceStore } from './push-device.store.js';

export interface PushDevicesSettings extends EndpointPolicy {
  /** Most devices one user may register. */
  maxPerUser: number;
}

/** The browser's P-256 public key (65 bytes, uncompressed) and its 16-byte auth secret, base64url. */
const isBase64Url = (s: string) => /^[A-Za-z0-9_-]+=*$/.test(s);
const bytes = (s: string) => Buffer.from(s, 'base64url').length;

/** Registering and removing a user's push devices: the rules the resolver applies. */
export class PushDevices {
  constructor(
    readonly store: PushDeviceStore,
    /** Null when push is off (production without VAPID keys): registration is refused. */
    readonly publicKey: string | null,
    private readonly settings: PushDevicesSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async register(
    userId: string,
    input: { endpoint: string; p256dh: string; auth: string },
  ): Promise<PushDeviceDocument> {
    if (!this.publicKey) throw new ServiceUnavailableError('Web Push is not configured');
    if (!isBase64Url(input.p256dh) || bytes(input.p256dh) !== 65 || Buffer.from(input.p256dh, 'base64url')[0] !== 4)
      throw new BadUserInputError('keys.p256dh must be an uncompressed P-256 public key, base64url', 'keys.p256dh');
    if (!isBase64Url(input.auth) || bytes(input.auth) !== 16)
      throw new BadUserInputError('keys.auth must be 16 bytes, base64url', 'keys.auth');
    try {
      await checkPushEndpoint(input.endpoint, this.settings);
    } catch (error) {
      if (error instanceof UnsafeUrlError)
        throw new BadUserInputError(`endpoint is not an acceptable push service URL: ${error.message}`, 'endpoint');
      throw error;
    }
    const existing = await this.store.findByEndpoint(input.endpoint);
    if (existing?.userId !== userId && (await this.store.countByUser(userId)) >= this.settings.maxPerUser)
      throw new ConflictError(`at most ${this.settings.maxPerUser} push devices; remove one first`);
    return this.store.upsert(userId, input.endpoint, { p256dh: input.p256dh, auth: input.auth }, this.clock());
  }

  /** Only the user's own device; another's answers NOT_FOUND, like one that does not exist. */
  async remove(userId: string, id: string): Promise<PushDeviceDocument> {
    const objectId = toObjectId(id);
    if (!objectId) throw new BadUserInputError('id must be a push device id', 'id');
    const removed = await this.store.removeOwn(userId, objectId);
    if (!removed) throw new NotFoundError('push device');
    return removed;
  }
}
