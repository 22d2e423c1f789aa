import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

/*
 * Every gateway of bench:gateway --compare runs as compiled JavaScript on plain node, as
 * production runs ours (the image's ENTRYPOINT runs tsc's dist/). Under tsx, each function a
 * request creates went through esbuild's naming helper, and each module.require through tsx's
 * resolver hooks: @apollo/utils.createhash requires crypto for every query hash, in Apollo
 * Server's pipeline, ours and stock's alike.
 */

/** Builds dist/ (`npm run build`, as the image does) for our gateway's ENTRYPOINT script. */
export function buildOurs(): void {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * A peer's start-up file (TypeScript) bundled into one ES module beside node_modules, whose
 * packages it imports as installed (not bundled, not transformed).
 */
export async function bundlePeer(source: string): Promise<string> {
  const outfile = path.resolve('node_modules/.cache/bench-gateway', path.basename(source).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    logLevel: 'warning',
  });
  return outfile;
}
