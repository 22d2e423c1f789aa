import { z } from 'zod';

/**
 * An SMS provider, as the SMS channel sees it. `HttpSmsProvider` speaks the small JSON protocol
 * below; the local fake (fake-sms-server.ts) serves it in development and tests, and an adapter
 * for a real provider (Twilio, Vonage, ...) would be one more implementation of this interface.
 */
export interface SmsProvider {
  send(message: SmsMessage): Promise<SmsOutcome>;
}

export interface SmsMessage {
  /** E.164 */
  to: string;
  body: string;
  /** The delivery id: the provider drops a second message with the same key. */
  idempotencyKey: string;
}

export type SmsOutcome =
  { ok: true; id: string } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

/**
 * The protocol: `POST <url>/messages` with `{ to, body, idempotencyKey }` and
 * `Authorization: Bearer <token>`: 200/201 `{ id }` sent; 4xx refused for good (a bad number)
 * except 429 (slow down, `Retry-After`); 5xx or no answer within the timeout: try again later.
 */
export const smsRequestSchema = z.object({
  to: z.string().regex(/^\+[1-9]\d{6,14}$/),
  body: z.string().min(1).max(1600),
  idempotencyKey: z.string().min(1).max(128),
});
const smsAnswerSchema = z.object({ id: z.string().min(1) });

export interface HttpSmsProviderOptions {
  url: string;
  token?: string;
  timeoutMs?: number;
}

export class HttpSmsProvider implements SmsProvider {
  constructor(private readonly options: HttpSmsProviderOptions) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    let response: Response;
    try {
      response = await fetch(new URL('messages', withSlash(this.options.url)), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      return { ok: false, retryable: true, reason: `SMS provider unreachable: ${(error as Error).message}` };
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        retryable: true,
        reason: 'SMS provider rate limit',
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    }
    if (response.status >= 500)
      return { ok: false, retryable: true, reason: `SMS provider failed (HTTP ${response.status})` };
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 200);
      return { ok: false, retryable: false, reason: `SMS provider refused (HTTP ${response.status}) ${detail}`.trim() };
    }
    const parsed = smsAnswerSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return { ok: false, retryable: true, reason: 'SMS provider answered without an id' };
    return { ok: true, id: parsed.data.id };
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
