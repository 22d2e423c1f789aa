import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// http_ece is web-push's own dependency (RFC 8188); its types are in http-ece.d.ts.
import ece from 'http_ece';
import type { PushPayload } from '../push.channel.js';

export interface ReceivedPush {
  deviceId: string;
  payload: PushPayload;
  /** The VAPID JWT's claims, checked: aud is this service's origin, exp ahead (at most 24 h), sub mailto:/https:. */
  claims: { aud: string; exp: number; sub: string };
  ttl: number;
  urgency: string | null;
  topic: string | null;
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
}

/**
 * A push service for tests, playing the browser vendor's role (RFC 8030): it verifies every
 * request's VAPID JWT (ES256 over the application server's public key, RFC 8292) and decrypts
 * the aes128gcm payload with the subscription's private key (RFC 8291), as a browser would.
 * Requests that fail either check are refused (401/400) and counted in `rejected`.
 */
export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  readonly rejected: { deviceId: string; reason: string }[] = [];
  private readonly devices = new Map<string, Device>();
  /** Answers to force for a device (410 Gone: the browser dropped the subscription). */
  private readonly forced = new Map<string, number>();
  private server: http.Server | null = null;
  private origin = '';

  /** `vapidPublicKey`: the key the application server must sign with (null: learnt from the first request's k=). */
  constructor(
    private vapidPublicKey: string | null = null,
    /** Called with each push accepted (benchmarks time them); `received` then keeps none. */
    private readonly onPush?: (push: ReceivedPush) => void,
  ) {}

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, reason, deviceId } = this.handle(req, Buffer.concat(chunks));
        if (reason) this.rejected.push({ deviceId, reason });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.origin;
  }

  /** A new browser subscription (what pushManager.subscribe() answers), with its keys kept here. */
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string }; deviceId: string } {
    const deviceId = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.devices.set(deviceId, { ecdh, auth });
    return {
      deviceId,
      endpoint: `${this.origin}/push/${deviceId}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  /** Answers `status` to every push for the device from now on. */
  answer(deviceId: string, status: number): void {
    this.forced.set(deviceId, status);
  }

  forDevice(deviceId: string): ReceivedPush[] {
    return this.received.filter((r) => r.deviceId === deviceId);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, body: Buffer): { status: number; reason?: string; deviceId: string } {
    const deviceId = req.url?.match(/^\/push\/([0-9a-f]+)$/)?.[1] ?? '';
    const device = this.devices.get(deviceId);
    if (req.method !== 'POST' || !device) return { status: 404, deviceId };
    const forced = this.forced.get(deviceId);
    if (forced) return { status: forced, deviceId };

    const auth = req.headers.authorization?.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
    if (!auth) return { status: 401, reason: 'no vapid authorization', deviceId };
    const [, jwt, k] = auth as unknown as [string, string, string];
    if (this.vapidPublicKey === null) this.vapidPublicKey = k;
    if (k !== this.vapidPublicKey) return { status: 403, reason: 'not the expected VAPID key', deviceId };
    const claims = verifyJwt(jwt, k, this.origin);
    if (typeof claims === 'string') return { status: 403, reason: claims, deviceId };

    if (req.headers['content-encoding'] !== 'aes128gcm') return { status: 415, reason: 'not aes128gcm', deviceId };
    let payload: PushPayload;
    try {
      const plain: Buffer = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: device.ecdh,
        authSecret: device.auth,
      });
      payload = JSON.parse(plain.toString('utf8')) as PushPayload;
    } catch (error) {
      return { status: 400, reason: `cannot decrypt: ${(error as Error).message}`, deviceId };
    }
    const header = (name: string) => (req.headers[name] as string | undefined) ?? null;
    const push: ReceivedPush = {
      deviceId,
      payload,
      claims,
      ttl: Number(header('ttl')),
      urgency: header('urgency'),
      topic: header('topic'),
    };
    if (this.onPush) this.onPush(push);
    else this.received.push(push);
    return { status: 201, deviceId };
  }
}

/** The claims, or why the token is refused. */
function verifyJwt(jwt: string, publicKey: string, origin: string): { aud: string; exp: number; sub: string } | string {
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return 'malformed JWT';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (header.alg !== 'ES256') return `alg ${header.alg}`;
  const point = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) return 'bad signature';
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { aud: string; exp: number; sub: string };
  const now = Date.now() / 1000;
  if (claims.aud !== origin) return `aud ${claims.aud}`;
  if (!(claims.exp > now) || claims.exp > now + 86_400) return 'exp out of range';
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) return 'sub is not mailto: or https:';
  return claims;
}
