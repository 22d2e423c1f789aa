import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { SUPERGRAPH_PATH } from '../../../app/gateway-service.js';
import type { BenchSystem } from '../bench-system.js';
import { bundlePeer } from './compiled.js';
import { productionNodeFlags, productionScript } from './production-flags.js';

/* The three gateways of bench:gateway --compare, each in a process of its own, on the same subgraphs. */

export const GATEWAY_NAMES = ['ours', 'hive', 'stock'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];

export interface GatewayProcess {
  name: GatewayName;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function answering(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the gateway exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: no answer within ${timeoutMs} ms`);
}

export interface StartOptions {
  /** Each subgraph's /graphql URL, by name (the bench's own process's by default). */
  subgraphUrls?: Record<string, string>;
  /** Node flags for our gateway only (--cpu-prof while profiling). */
  oursNodeFlags?: string[];
}

export async function startGateway(
  name: GatewayName,
  bench: BenchSystem,
  options: StartOptions = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const subgraphUrls = options.subgraphUrls ?? Object.fromEntries(bench.system.subgraphs.map((s) => [s.name, s.url]));
  const common = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: bench.config.JWT_SECRET,
    INTERNAL_SECRET: bench.config.INTERNAL_SECRET,
  };
  let file: string;
  let env: NodeJS.ProcessEnv;
  let args: string[] = [];
  if (name === 'ours') {
    // Exactly what production runs (SERVICE=gateway, the image's ENTRYPOINT script and node
    // flags, so dist/ must be built), with the bench's out-of-reach rate limits.
    file = productionScript();
    args = ['gateway'];
    env = {
      ...common,
      SERVICE: 'gateway',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: '',
      MONGODB_URI: bench.config.MONGODB_URI,
      MONGODB_DB_PREFIX: bench.config.MONGODB_DB_PREFIX,
      ADMIN_EMAIL: bench.config.ADMIN_EMAIL,
      ADMIN_PASSWORD: bench.config.ADMIN_PASSWORD,
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000',
      RATE_LIMIT_API_PER_MINUTE: '1000000000',
      RATE_LIMIT_INGEST_PER_MINUTE: '1000000000',
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([n, url]) => [`${n.toUpperCase()}_URL`, url])),
    };
  } else {
    file = await bundlePeer(`bench/lib/gateway-compare/${name}-process.ts`);
    env = {
      ...common,
      LOG_LEVEL: 'error',
      PEER_PORT: String(port),
      PEER_SUPERGRAPH: SUPERGRAPH_PATH,
      PEER_SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
    };
  }
  const child = fork(path.resolve(file), args, {
    env,
    execArgv: name === 'ours' ? [...productionNodeFlags(), ...(options.oursNodeFlags ?? [])] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await answering(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name,
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: Math.round(rssKb / 102.4) / 10 };
}
