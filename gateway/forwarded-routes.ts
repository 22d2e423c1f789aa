import express, { type Express } from 'express';
import type { Logger } from '../platform/logger.js';

/**
 * Plain HTTP routes the gateway passes through to the subgraph that owns them, unchanged: the
 * owner checks its callers itself (Stripe's webhooks are signed, and the signature covers the
 * raw body, so the body is forwarded byte for byte).
 */
export const FORWARDED_ROUTES = [
  { method: 'post', path: '/webhooks/stripe', subgraph: 'payments', headers: ['content-type', 'stripe-signature'] },
] as const;

export function mountForwardedRoutes(
  app: Express,
  subgraphUrls: Record<string, string>,
  logger: Logger,
  { bodyLimitBytes = 512 * 1024, timeoutMs = 10_000 } = {},
): void {
  for (const route of FORWARDED_ROUTES) {
    const base = subgraphUrls[route.subgraph];
    if (!base) continue;
    const target = new URL(route.path, new URL(base).origin).href;
    app[route.method](route.path, express.raw({ type: () => true, limit: bodyLimitBytes }), async (req, res) => {
      try {
        const headers: Record<string, string> = {};
        for (const name of route.headers) {
          const value = req.header(name);
          if (value) headers[name] = value;
        }
        const answer = await fetch(target, {
          method: 'POST',
          headers,
          body: new Uint8Array(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        res.status(answer.status).type(answer.headers.get('content-type') ?? 'application/json');
        res.send(Buffer.from(await answer.arrayBuffer()));
      } catch (err) {
        logger.warn({ err, path: route.path }, 'forwarded route: owner unreachable');
        res.status(503).json({ error: 'unavailable' });
      }
    });
  }
}
