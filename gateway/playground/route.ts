import type { Router } from 'express';
import { PLAYGROUND_CSP, renderPlayground } from './playground.js';

/** A browser asking for `path` gets the playground; GraphQL clients fall through to the API. */
export function mountPlayground(router: Router, path: string): void {
  const html = renderPlayground({ endpoint: path });
  router.get(path, (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html' || req.query.query !== undefined) return next();
    res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
    res.type('html').send(html);
  });
}
