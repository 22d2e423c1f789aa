import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Logger } from '../../platform/logger.js';
import { mountPlayground } from './route.js';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.split(' ')[0] === name);

let server: Server;
let base: string;
let bundleDir: string;
const warnings: unknown[] = [];

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(tmpdir(), 'playground-'));
  writeFileSync(path.join(bundleDir, 'graphiql.js'), 'console.log("bundle")');
  writeFileSync(path.join(bundleDir, 'graphiql.css'), 'body{}');
  writeFileSync(path.join(bundleDir, '.secret'), 'x');
  const app = express();
  const router = express.Router();
  mountPlayground(router, { path: '/graphql', bundleDir });
  app.use(router);
  app.use('/graphql', (_req, res) => void res.json({ from: 'api' }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(bundleDir, { recursive: true, force: true });
});

describe('the playground route', () => {
  it('gives a browser the GraphiQL page under a strict CSP: scripts and styles from self only', async () => {
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(directive(csp, 'default-src')).toBe("default-src 'none'");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'style-src')).toBe("style-src 'self'");
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(csp, 'font-src')).toBe("font-src 'self' data:");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(csp, 'base-uri')).toBe("base-uri 'none'");
    expect(csp).not.toMatch(/unsafe-|blob:|\*|https?:/);

    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<script defer src="/playground/graphiql.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/playground/graphiql.css" />');
    expect(html).toContain('data-endpoint="/graphql"');
    // Nothing inline that the CSP would have to allow.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script defer src="/playground/graphiql.js">']);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('serves the bundle with the same CSP, revalidated on every load, and nothing else from its folder', async () => {
    const js = await fetch(`${base}/playground/graphiql.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(js.headers.get('cache-control')).toBe('no-cache');
    expect(js.headers.get('etag')).toBeTruthy();
    expect(await js.text()).toBe('console.log("bundle")');
    const css = await fetch(`${base}/playground/graphiql.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('content-security-policy')).toBe(js.headers.get('content-security-policy'));
    for (const missing of ['/playground/.secret', '/playground/', '/playground/../route.ts', '/playground/nope.js']) {
      expect((await fetch(`${base}${missing}`)).status).toBe(404);
    }
  });

  it('lets GraphQL clients through to the API: JSON accept, no accept, or a GET query', async () => {
    for (const [url, accept] of [
      ['/graphql', 'application/json'],
      ['/graphql', '*/*'],
      ['/graphql?query=%7B__typename%7D', 'text/html'],
    ]) {
      const response = await fetch(`${base}${url}`, { headers: { accept } });
      expect(await response.json()).toEqual({ from: 'api' });
      expect(response.headers.get('content-security-policy')).toBeNull();
    }
  });

  it('warns at start-up, naming the files, when the bundle has not been built', () => {
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const empty = mkdtempSync(path.join(tmpdir(), 'playground-empty-'));
    try {
      mountPlayground(express.Router(), { path: '/graphql', bundleDir: empty, logger });
      mountPlayground(express.Router(), { path: '/graphql', bundleDir, logger });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(warnings).toEqual([
      [{ bundleDir: empty, missing: ['graphiql.js', 'graphiql.css'] }, 'playground bundle missing: run npm run build'],
    ]);
  });
});
