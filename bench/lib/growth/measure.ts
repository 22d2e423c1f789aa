import { LatencyRecorder, type LatencySummary } from '../latency.js';
import { bearerHeaders } from '../graphql-http.js';
import type { CommandRecorder, SentCommand } from './commands.js';
import type { ListQuery, Subjects } from './queries.js';

export interface QueryTiming {
  name: string;
  latencyMs: LatencySummary;
  /** The reads one request sent, slowest first. */
  commands: SentCommand[];
}

async function send(url: string, token: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: bearerHeaders(token),
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (response.status !== 200 || body.errors?.length || !body.data) {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 400)}`);
  }
  return body.data;
}

/** The variables of `q`'s next page: its first page's endCursor (which must exist). */
async function nextPageVariables(url: string, token: string, q: ListQuery): Promise<Record<string, unknown>> {
  let node: unknown = await send(url, token, q.query, { ...q.variables, after: null });
  for (const key of q.nextPage!.path) node = (node as Record<string, unknown>)[key];
  const { endCursor, hasNextPage } = (node as { pageInfo: { endCursor: string | null; hasNextPage: boolean } })
    .pageInfo;
  if (!hasNextPage || !endCursor) throw new Error(`${q.name}: the first page is the only one`);
  return { ...q.variables, after: endCursor };
}

/**
 * Each query alone, one request at a time (`samples` after `warmup`), so the figures are the
 * query's own latency and not a queue's; the reads of one more request are recorded.
 */
export async function timeQueries(
  url: string,
  subjects: Subjects,
  queries: readonly ListQuery[],
  recorder: CommandRecorder,
  options: { samples: number; warmup: number },
  log: (line: string) => void,
): Promise<QueryTiming[]> {
  const timings: QueryTiming[] = [];
  for (const q of queries) {
    const token = (q.as === 'staff' ? subjects.staff : subjects.customer).accessToken;
    const variables = q.nextPage ? await nextPageVariables(url, token, q) : q.variables;
    for (let i = 0; i < options.warmup; i++) await send(url, token, q.query, variables);
    const latencies = new LatencyRecorder();
    for (let i = 0; i < options.samples; i++) {
      const t0 = performance.now();
      await send(url, token, q.query, variables);
      latencies.record(performance.now() - t0);
    }
    const commands = await recorder.during(async () => {
      await send(url, token, q.query, variables);
    });
    const latencyMs = latencies.summary();
    log(`  ${q.name}: p50 ${latencyMs.p50.toFixed(1)} ms, p95 ${latencyMs.p95.toFixed(1)} ms`);
    timings.push({ name: q.name, latencyMs, commands });
  }
  return timings;
}
