import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Logger } from '../../platform/logger.js';
import { PLAYGROUND_BUNDLE_DIR, PLAYGROUND_CSP, PLAYGROUND_FILES, renderPlaygroundPage } from './page.js';

export interface PlaygroundRouteOptions {
  /** The GraphQL path: a browser asking it for HTML gets the playground. */
  path: string;
  /** Where the bundle's files are served. */
  assetsPath?: string;
  bundleDir?: string;
  logger?: Logger;
}

/** A browser asking for `path` gets GraphiQL; GraphQL clients fall through to the API. */
export function mountPlayground(router: Router, options: PlaygroundRouteOptions): void {
  const { assetsPath = '/playground', bundleDir = PLAYGROUND_BUNDLE_DIR } = options;
  const html = renderPlaygroundPage({ endpoint: options.path, assetsPath });
  const missing = PLAYGROUND_FILES.filter((name) => !existsSync(path.join(bundleDir, name)));
  if (missing.length > 0) {
    options.logger?.warn({ bundleDir, missing }, 'playground bundle missing: run npm run build');
  }

  router.get(options.path, (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html' || req.query.query !== undefined) return next();
    res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  });
  router.use(
    assetsPath,
    express.static(bundleDir, {
      index: false,
      dotfiles: 'ignore',
      // Fixed file names, so every load revalidates (ETag) instead of keeping an old bundle.
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
      },
    }),
  );
}
