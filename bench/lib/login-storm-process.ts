import { print } from 'graphql';
import { LoginDocument } from '../../test/generated/graphql.js';
import { JSON_HEADERS } from './graphql-http.js';
import { HttpPools } from './http-pool.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';
import { serveWorker } from './worker.js';

/* The login flood, in a process of its own (see worker.ts): one loop per account, each
 * signing in with the right password again as soon as its previous sign-in answers. */

export interface StormAccount {
  email: string;
  password: string;
  /** Sent as X-Forwarded-For, so each loop is a client of its own. */
  ip: string;
}

export interface StormRequest {
  url: string;
  accounts: StormAccount[];
  seconds: number;
}

export interface StormResult {
  /** Sign-ins answered with tokens. */
  logins: number;
  loginsPerSecond: number;
  latencyMs: LatencySummary;
  /** Refused with RATE_LIMITED (the hash queue was full, or the throttle said no). */
  refused: number;
  /** Anything else: a wrong answer, a socket error. */
  failed: number;
  failureSamples: string[];
}

const retryAfterMs = (text: string) => Number(/"retryAfterSeconds":(\d+)/.exec(text)?.[1] ?? 1) * 1000;

const body = (account: StormAccount) =>
  JSON.stringify({ query: print(LoginDocument), variables: { email: account.email, password: account.password } });

async function storm({ url, accounts, seconds }: StormRequest): Promise<StormResult> {
  const pools = new HttpPools(accounts.length);
  const latencies = new LatencyRecorder();
  const result = { logins: 0, refused: 0, failed: 0, failureSamples: [] as string[] };
  const fail = (sample: string) => {
    result.failed += 1;
    if (result.failureSamples.length < 3) result.failureSamples.push(sample.slice(0, 300));
  };
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    accounts.map(async (account) => {
      const headers = { ...JSON_HEADERS, 'x-forwarded-for': account.ip };
      const payload = body(account);
      while (performance.now() < until) {
        const sent = performance.now();
        try {
          const { text } = await pools.post(url, headers, payload);
          if (text.includes('"accessToken"')) {
            result.logins += 1;
            latencies.record(performance.now() - sent);
          } else if (text.includes('RATE_LIMITED')) {
            // As a client honouring Retry-After would.
            result.refused += 1;
            await new Promise((resolve) => setTimeout(resolve, retryAfterMs(text)));
          } else fail(text);
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  await pools.close();
  const elapsed = (performance.now() - started) / 1000;
  return { ...result, loginsPerSecond: result.logins / elapsed, latencyMs: latencies.summary() };
}

serveWorker(storm);
