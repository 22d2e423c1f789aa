import type { RequestHandler, Router } from 'express';
import type { Registry } from 'prom-client';
import { secretsEqual } from '../auth/viewer.js';

export type CheckResult = { status: 'up' | 'down'; latencyMs: number; detail?: string };
export type HealthCheck = () => Promise<boolean | { ok: boolean; detail?: string }>;

async function run(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const ok = typeof result === 'boolean' ? result : result.ok;
    const detail = typeof result === 'boolean' ? undefined : result.detail;
    return {
      status: ok ? 'up' : 'down',
      latencyMs: Math.round(performance.now() - started),
      ...(detail ? { detail } : {}),
    };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: Record<string, HealthCheck>, timeoutMs = 3000) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, c]) => [name, await run(c, timeoutMs)] as const),
  );
  const results = Object.fromEntries(entries) as Record<string, CheckResult>;
  const status = Object.values(results).every((r) => r.status === 'up') ? 'up' : 'down';
  return { status, checks: results };
}

export interface HealthRoutesOptions {
  service: string;
  /** Checks named in `/health`; `database` also answers `/health/database`. */
  checks: Record<string, HealthCheck>;
  registry: Registry;
  detailed?: () => Promise<Record<string, unknown>>;
  /** Who may read `/metrics` and `/health/detailed`; everyone when absent. */
  access?: OpsAccess;
}

/**
 * `/metrics` and `/health/detailed` tell an attacker a great deal (versions, traffic, error
 * rates, memory). With a token they need `Authorization: Bearer <token>`; without one they are
 * public, unless `closed` (production), where they are refused: set METRICS_TOKEN to read them.
 */
export interface OpsAccess {
  token?: string;
  closed: boolean;
}

export const opsAccessFromConfig = (config: { METRICS_TOKEN?: string; isProduction: boolean }): OpsAccess => ({
  token: config.METRICS_TOKEN,
  closed: config.isProduction,
});

const opsError = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

function requireOpsToken({ token, closed }: OpsAccess): RequestHandler {
  return (req, res, next) => {
    if (token) {
      const given = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1];
      if (secretsEqual(given, token)) return next();
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json(opsError('UNAUTHENTICATED', 'This route needs Authorization: Bearer <METRICS_TOKEN>'));
      return;
    }
    if (!closed) return next();
    res.status(403).json(opsError('FORBIDDEN', 'This route is off in production until METRICS_TOKEN is set'));
  };
}

const startedAt = Date.now();

/** `/health`, `/health/ping`, `/health/database`, `/health/detailed` and `/metrics`. */
export function mountHealthRoutes(
  router: Router,
  { service, checks, registry, detailed, access = { closed: false } }: HealthRoutesOptions,
): void {
  const opsOnly = requireOpsToken(access);
  router.get('/health/ping', (_req, res) => {
    res.json({ status: 'ok', service });
  });
  router.get('/health', async (_req, res) => {
    const report = await runChecks(checks);
    res.status(report.status === 'up' ? 200 : 503).json({ service, ...report });
  });
  router.get('/health/database', async (_req, res) => {
    const database = checks.database;
    const result = database
      ? await run(database, 3000)
      : { status: 'down' as const, latencyMs: 0, detail: 'no database check' };
    res.status(result.status === 'up' ? 200 : 503).json({ service, database: result });
  });
  router.get('/health/detailed', opsOnly, async (_req, res) => {
    const report = await runChecks(checks);
    const memory = process.memoryUsage();
    res.status(report.status === 'up' ? 200 : 503).json({
      service,
      ...report,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      node: process.version,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      ...(detailed ? await detailed() : {}),
    });
  });
  router.get('/metrics', opsOnly, async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
