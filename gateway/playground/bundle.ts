import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { PLAYGROUND_BUNDLE_DIR, PLAYGROUND_FILES } from './page.js';

/**
 * Builds the playground (GraphiQL, its explorer plugin, React) into static files the gateway
 * serves: graphiql.js and graphiql.css, no CDN. Build-time only: esbuild is a devDependency
 * and the gateway never imports this file.
 */

export const PLAYGROUND_SOURCE_DIR = path.resolve('gateway/playground');

export async function buildPlayground(outDir = PLAYGROUND_BUNDLE_DIR): Promise<void> {
  // Built beside the target and swapped in, so a reader never sees half a bundle.
  const staging = `${outDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await build({
    entryPoints: { graphiql: path.join(PLAYGROUND_SOURCE_DIR, 'client/main.tsx') },
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(outDir), { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
}

/** Newest modification time among the bundle's sources and the installed packages' lockfile. */
function newestSource(): number {
  const files = [path.resolve('package-lock.json'), path.join(PLAYGROUND_SOURCE_DIR, 'default-tabs.ts')];
  const clientDir = path.join(PLAYGROUND_SOURCE_DIR, 'client');
  for (const name of readdirSync(clientDir)) files.push(path.join(clientDir, name));
  return Math.max(...files.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));
}

export function playgroundBundleIsFresh(outDir = PLAYGROUND_BUNDLE_DIR): boolean {
  const outputs = PLAYGROUND_FILES.map((name) => path.join(outDir, name));
  if (!outputs.every((file) => existsSync(file))) return false;
  return Math.min(...outputs.map((file) => statSync(file).mtimeMs)) >= newestSource();
}

/** For tests and tools that run without `npm run build`: builds once, only when stale. */
export async function ensurePlaygroundBundle(outDir = PLAYGROUND_BUNDLE_DIR): Promise<void> {
  if (!playgroundBundleIsFresh(outDir)) await buildPlayground(outDir);
}
