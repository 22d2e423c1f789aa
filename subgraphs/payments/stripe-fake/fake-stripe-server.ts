import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonical, int, obj, parseForm, str, type FormObject } from './form.js';
import { stripeSignature } from './signing.js';

/**
 * A small stateful stand-in for the part of Stripe's API that payments uses, for development
 * and tests (the official stripe-mock installs, but is stateless: no declines, no webhooks, no
 * listing of what was created). The real `stripe` SDK talks to it (host/port/protocol options).
 *
 * - PaymentIntents: create (with confirm), confirm, retrieve, list (`created[gte|gt|lte|lt]`,
 *   `limit`, `starting_after`: newest first, as Stripe pages).
 * - Test payment methods as in Stripe's test mode: `pm_card_visa` (and any other) succeeds,
 *   `pm_card_chargeDeclined` is declined (402 card_error, card_declined), and
 *   `pm_card_threeDSecure2Required` answers `requires_action` until confirmed again.
 * - Refunds (create, retrieve, list by `payment_intent` or `created`), never above what is left.
 * - Transfers (create, list) for payouts.
 * - Idempotency keys as Stripe honours them: the same key with the same parameters replays the
 *   first answer (`Idempotent-Replayed: true`); with other parameters it is a 400 idempotency_error.
 * - Webhooks: every event is delivered to the configured target, signed as Stripe signs
 *   (`Stripe-Signature: t=,v1=` HMAC-SHA256), retried with backoff until answered 2xx.
 * - Test controls under /_fake: GET /_fake/events, POST /_fake/events/:id/resend (deliver again),
 *   POST /_fake/webhooks {url|null}, POST /_fake/webhooks/pause|resume.
 * State is in memory: a restart forgets everything.
 */
export interface FakeStripeOptions {
  /** Endpoint secret the webhooks are signed with (whsec_...). */
  webhookSecret: string;
  /** Where events go: a URL, or a function (in-process delivery) that answers an HTTP status. */
  webhookTarget?: string | WebhookDeliver | null;
  /** First retry after this long, doubling (Stripe waits hours; tests want milliseconds). */
  webhookRetryBaseMs?: number;
  webhookMaxAttempts?: number;
}

export type WebhookDeliver = (payload: string, signature: string) => Promise<number>;

type Json = Record<string, unknown>;
interface StoredEvent {
  id: string;
  type: string;
  payload: string;
  deliveries: number;
  delivered: boolean;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message));
  }
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);
const invalid = (message: string, param?: string, code = 'parameter_invalid') =>
  new ApiError(400, { type: 'invalid_request_error', message, param, code });

export class FakeStripeServer {
  private server?: Server;
  private readonly intents = new Map<string, Json>();
  private readonly refunds = new Map<string, Json>();
  private readonly transfers = new Map<string, Json>();
  private readonly idempotent = new Map<string, { params: string; status: number; body: string }>();
  private readonly inFlight = new Map<string, Promise<{ status: number; body: string }>>();
  readonly events: StoredEvent[] = [];
  private paused = false;
  private readonly pending = new Set<Promise<void>>();
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Requests served, by route (benchmarks and tests read it). */
  readonly requests = { total: 0 };

  constructor(private readonly options: FakeStripeOptions) {}

  setWebhookTarget(target: string | WebhookDeliver | null) {
    this.options.webhookTarget = target;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    this.requests.total++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const params =
      method === 'GET' ? parseForm(url.searchParams.toString()) : parseForm(Buffer.concat(chunks).toString('utf8'));
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    let answer: { status: number; body: string; replayed?: boolean };
    try {
      if (!url.pathname.startsWith('/_fake') && !/^Bearer sk_/.test(String(req.headers.authorization ?? ''))) {
        throw new ApiError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
      }
      if (typeof key === 'string' && key) {
        answer = await this.idempotently(`${method} ${url.pathname} ${key}`, canonical(params), () =>
          this.route(method, url.pathname, params),
        );
      } else {
        answer = await this.route(method, url.pathname, params);
      }
    } catch (error) {
      answer =
        error instanceof ApiError
          ? { status: error.status, body: JSON.stringify({ error: error.body }) }
          : { status: 500, body: JSON.stringify({ error: { type: 'api_error', message: String(error) } }) };
    }
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'request-id': newId('req'),
      ...(answer.replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(answer.body);
  }

  /** Same key and parameters: the first answer again; other parameters: Stripe's idempotency_error. */
  private async idempotently(
    id: string,
    params: string,
    run: () => Promise<{ status: number; body: string }>,
  ): Promise<{ status: number; body: string; replayed?: boolean }> {
    const running = this.inFlight.get(id);
    if (running) await running.catch(() => undefined);
    const seen = this.idempotent.get(id);
    if (seen) {
      if (seen.params !== params) {
        throw new ApiError(400, {
          type: 'idempotency_error',
          message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        });
      }
      return { status: seen.status, body: seen.body, replayed: true };
    }
    const promise = run().catch((error: unknown) => {
      if (error instanceof ApiError && error.status < 500)
        return { status: error.status, body: JSON.stringify({ error: error.body }) };
      throw error;
    });
    this.inFlight.set(id, promise);
    try {
      const answer = await promise;
      this.idempotent.set(id, { params, ...answer });
      return answer;
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async route(method: string, path: string, p: FormObject): Promise<{ status: number; body: string }> {
    const ok = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') return ok(this.createIntent(p));
    if (method === 'GET' && path === '/v1/payment_intents') return ok(this.list([...this.intents.values()], p, path));
    if ((m = path.match(/^\/v1\/payment_intents\/([\w]+)$/)) && method === 'GET') return ok(this.intent(m[1]!));
    if ((m = path.match(/^\/v1\/payment_intents\/([\w]+)\/confirm$/)) && method === 'POST')
      return ok(this.confirm(this.intent(m[1]!), p));
    if (method === 'POST' && path === '/v1/refunds') return ok(this.createRefund(p));
    if (method === 'GET' && path === '/v1/refunds') {
      const intent = str(p.payment_intent);
      return ok(
        this.list(
          [...this.refunds.values()].filter((r) => !intent || r.payment_intent === intent),
          p,
          path,
        ),
      );
    }
    if ((m = path.match(/^\/v1\/refunds\/([\w]+)$/)) && method === 'GET') {
      const refund = this.refunds.get(m[1]!);
      if (!refund)
        throw new ApiError(404, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such refund' });
      return ok(refund);
    }
    if (method === 'POST' && path === '/v1/transfers') return ok(this.createTransfer(p));
    if (method === 'GET' && path === '/v1/transfers') return ok(this.list([...this.transfers.values()], p, path));
    if (method === 'GET' && path === '/_fake/events')
      return ok(this.events.map(({ id, type, deliveries, delivered }) => ({ id, type, deliveries, delivered })));
    if ((m = path.match(/^\/_fake\/events\/([\w]+)\/resend$/)) && method === 'POST') {
      const event = this.events.find((e) => e.id === m![1]);
      if (!event) throw new ApiError(404, { type: 'invalid_request_error', message: 'No such event' });
      return ok({ status: await this.deliverOnce(event) });
    }
    if (method === 'POST' && path === '/_fake/webhooks/pause') return ok({ paused: (this.paused = true) });
    if (method === 'POST' && path === '/_fake/webhooks/resume') {
      this.paused = false;
      for (const e of this.events.filter((x) => !x.delivered)) this.schedule(e, 0, 0);
      return ok({ paused: false });
    }
    throw new ApiError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path})`,
    });
  }

  private intent(id: string): Json {
    const pi = this.intents.get(id);
    if (!pi)
      throw new ApiError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such payment_intent: '${id}'`,
        param: 'intent',
      });
    return pi;
  }

  private createIntent(p: FormObject): Json {
    const amount = int(p.amount);
    const currency = str(p.currency);
    if (amount === undefined || amount < 1)
      throw invalid('amount must be a positive integer', 'amount', 'parameter_invalid_integer');
    if (amount > 99_999_999) throw invalid('Amount must be no more than 999,999.99', 'amount', 'amount_too_large');
    if (!currency || !/^[a-z]{3}$/.test(currency)) throw invalid('Invalid currency', 'currency');
    const id = newId('pi');
    const pi: Json = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      created: now(),
      description: str(p.description) ?? null,
      metadata: obj(p.metadata),
      payment_method: str(p.payment_method) ?? null,
      last_payment_error: null,
      latest_charge: null,
      next_action: null,
      livemode: false,
      amount_refunded: 0,
    };
    this.intents.set(id, pi);
    if (pi.payment_method) pi.status = 'requires_confirmation';
    return str(p.confirm) === 'true' ? this.confirm(pi, {}) : pi;
  }

  private confirm(pi: Json, p: FormObject): Json {
    if (str(p.payment_method)) pi.payment_method = str(p.payment_method);
    if (pi.status === 'succeeded')
      throw invalid('This PaymentIntent has already succeeded', undefined, 'payment_intent_unexpected_state');
    const method = pi.payment_method as string | null;
    if (!method)
      throw invalid('You must provide a payment method', 'payment_method', 'payment_intent_unexpected_state');
    if (method === 'pm_card_chargeDeclined') {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
      this.emit('payment_intent.payment_failed', pi);
      throw new ApiError(402, {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
        payment_intent: pi,
      });
    }
    if (method === 'pm_card_threeDSecure2Required' && pi.status !== 'requires_action') {
      pi.status = 'requires_action';
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      this.emit('payment_intent.requires_action', pi);
      return pi;
    }
    pi.status = 'succeeded';
    pi.next_action = null;
    pi.last_payment_error = null;
    pi.amount_received = pi.amount;
    pi.latest_charge = newId('ch');
    this.emit('payment_intent.succeeded', pi);
    return pi;
  }

  private createRefund(p: FormObject): Json {
    const intentId = str(p.payment_intent);
    if (!intentId) throw invalid('payment_intent is required', 'payment_intent', 'parameter_missing');
    const pi = this.intent(intentId);
    if (pi.status !== 'succeeded')
      throw invalid('This PaymentIntent has no successful charge to refund', 'payment_intent', 'charge_not_refundable');
    const left = (pi.amount as number) - (pi.amount_refunded as number);
    const amount = int(p.amount) ?? left;
    if (left <= 0)
      throw invalid(
        `Charge ${String(pi.latest_charge)} has already been refunded.`,
        undefined,
        'charge_already_refunded',
      );
    if (amount < 1 || amount > left)
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount',
        'amount_too_large',
      );
    pi.amount_refunded = (pi.amount_refunded as number) + amount;
    const refund: Json = {
      id: newId('re'),
      object: 'refund',
      amount,
      currency: pi.currency,
      payment_intent: pi.id,
      charge: pi.latest_charge,
      status: 'succeeded',
      created: now(),
      metadata: obj(p.metadata),
      reason: str(p.reason) ?? null,
    };
    this.refunds.set(refund.id as string, refund);
    this.emit('refund.created', refund);
    this.emit('charge.refunded', {
      id: pi.latest_charge,
      object: 'charge',
      amount: pi.amount,
      amount_refunded: pi.amount_refunded,
      currency: pi.currency,
      payment_intent: pi.id,
      refunded: pi.amount_refunded === pi.amount,
      metadata: pi.metadata,
      created: pi.created,
    });
    return refund;
  }

  private createTransfer(p: FormObject): Json {
    const amount = int(p.amount);
    if (amount === undefined || amount < 1) throw invalid('amount must be a positive integer', 'amount');
    const destination = str(p.destination);
    if (!destination?.startsWith('acct_')) throw invalid('No such destination', 'destination', 'resource_missing');
    const transfer: Json = {
      id: newId('tr'),
      object: 'transfer',
      amount,
      currency: str(p.currency),
      destination,
      transfer_group: str(p.transfer_group) ?? null,
      metadata: obj(p.metadata),
      created: now(),
      reversed: false,
    };
    this.transfers.set(transfer.id as string, transfer);
    this.emit('transfer.created', transfer);
    return transfer;
  }

  /** Newest first; `created[...]` bounds; `starting_after` / `ending_before` cursors; `limit` 1..100. */
  private list(items: Json[], p: FormObject, url: string) {
    const created = obj(p.created);
    const bound = (k: string) => int(created[k]);
    const exact = int(p.created);
    let rows = items
      .map((item, i) => ({ item, i }))
      .filter(({ item }) => {
        const c = item.created as number;
        return (
          (exact === undefined || c === exact) &&
          (bound('gte') === undefined || c >= bound('gte')!) &&
          (bound('gt') === undefined || c > bound('gt')!) &&
          (bound('lte') === undefined || c <= bound('lte')!) &&
          (bound('lt') === undefined || c < bound('lt')!)
        );
      })
      // Newest first; within a second, later-created first (insertion order breaks the tie).
      .sort((a, b) => (b.item.created as number) - (a.item.created as number) || b.i - a.i)
      .map(({ item }) => item);
    const after = str(p.starting_after);
    if (after) {
      const at = rows.findIndex((r) => r.id === after);
      rows = at >= 0 ? rows.slice(at + 1) : [];
    }
    const before = str(p.ending_before);
    if (before) {
      const at = rows.findIndex((r) => r.id === before);
      rows = at >= 0 ? rows.slice(0, at) : rows;
    }
    const limit = Math.min(Math.max(int(p.limit) ?? 10, 1), 100);
    return { object: 'list', url, has_more: rows.length > limit, data: rows.slice(0, limit) };
  }

  private emit(type: string, object: Json) {
    const id = newId('evt');
    const payload = JSON.stringify({
      id,
      object: 'event',
      api_version: '2025-01-01',
      created: now(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
    });
    const event: StoredEvent = { id, type, payload, deliveries: 0, delivered: false };
    this.events.push(event);
    if (this.events.length > 100_000) this.events.splice(0, this.events.length - 100_000);
    this.schedule(event, 0, 0);
  }

  private schedule(event: StoredEvent, attempt: number, delayMs: number) {
    if (this.closed || this.paused || !this.options.webhookTarget) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.deliverOnce(event)
        .then((status) => {
          if (status >= 200 && status < 300) return;
          const max = this.options.webhookMaxAttempts ?? 8;
          if (attempt + 1 < max)
            this.schedule(event, attempt + 1, (this.options.webhookRetryBaseMs ?? 200) * 2 ** attempt);
        })
        .finally(() => this.pending.delete(run));
      this.pending.add(run);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** One delivery of `event`, signed now; the HTTP status (0 when it did not arrive). */
  async deliverOnce(event: StoredEvent): Promise<number> {
    const target = this.options.webhookTarget;
    if (!target) return 0;
    event.deliveries++;
    const signature = stripeSignature(event.payload, this.options.webhookSecret);
    let status: number;
    try {
      if (typeof target === 'function') status = await target(event.payload, signature);
      else {
        const res = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signature,
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          body: event.payload,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      }
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 300) event.delivered = true;
    return status;
  }

  /** Waits until every event so far was delivered (or gave up), for tests and benchmarks. */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.pending.size === 0 && this.timers.size === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
