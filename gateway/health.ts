import type { HealthCheck } from '../platform/http/health.js';

const baseUrl = (graphqlUrl: string) => new URL(graphqlUrl).origin;

async function probe(url: string): Promise<{ ok: boolean; detail?: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  if (response.ok) return { ok: true };
  const body = (await response.json().catch(() => ({}))) as { database?: { detail?: string } };
  return { ok: false, detail: body.database?.detail ?? `HTTP ${response.status}` };
}

/**
 * The gateway has no database of its own: it reports each subgraph's liveness, and the
 * database as the identity subgraph sees it.
 */
export function gatewayHealthChecks(subgraphUrls: Record<string, string>): Record<string, HealthCheck> {
  const checks: Record<string, HealthCheck> = {};
  for (const [name, url] of Object.entries(subgraphUrls)) {
    checks[`subgraph:${name}`] = () => probe(`${baseUrl(url)}/health/ping`);
  }
  const identity = subgraphUrls.identity;
  if (identity) checks.database = () => probe(`${baseUrl(identity)}/health/database`);
  return checks;
}
