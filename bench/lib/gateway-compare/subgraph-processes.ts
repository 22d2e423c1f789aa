import { spawn, type ChildProcess } from 'node:child_process';
import { SERVICE_NAMES, type Config } from '../../../platform/config/environment.js';
import { freePort } from '../../../platform/local-db/local-database.js';
import { startRedisServer } from '../../../test/redis-server.js';
import { processUsage } from './gateways.js';
import { productionNodeFlags, productionScript } from './production-flags.js';

/*
 * The subgraphs of bench:gateway --compare as production runs them: one service per process
 * (`SERVICE=<name>`, the image's ENTRYPOINT script and node flags, so dist/ must be built), on
 * the bench's database, with Redis carrying their events. In the bench's own process, every
 * subgraph shared one thread with the others and with the bench, under tsx: a gateway that
 * spent little CPU of its own found the machine partly idle, waiting on that one thread.
 */

export interface SubgraphProcesses {
  /** Each subgraph's /graphql URL, by name. */
  urls: Record<string, string>;
  /** CPU seconds all of them have used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface SubgraphProcessOptions {
  /** Extra node flags for every subgraph process (--cpu-prof while profiling). */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

const pingable = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ping`)).ok;
  } catch {
    return false;
  }
};

export async function startSubgraphProcesses(
  config: Config,
  options: SubgraphProcessOptions = {},
): Promise<SubgraphProcesses> {
  const redis = await startRedisServer();
  const children: { name: string; child: ChildProcess; exited: Promise<void> }[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        return exited.finally(() => clearTimeout(force));
      }),
    );
    await redis.stop();
  };
  try {
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (n) => [n, await freePort()] as const)));
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`]));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      MONGODB_URI: config.MONGODB_URI,
      MONGODB_DB_PREFIX: config.MONGODB_DB_PREFIX,
      JWT_SECRET: config.JWT_SECRET,
      INTERNAL_SECRET: config.INTERNAL_SECRET,
      ADMIN_EMAIL: config.ADMIN_EMAIL,
      ADMIN_PASSWORD: config.ADMIN_PASSWORD,
      BCRYPT_ROUNDS: String(config.BCRYPT_ROUNDS),
      ...Object.fromEntries(
        SERVICE_NAMES.flatMap((n) => [
          [`${n.toUpperCase()}_PORT`, String(ports[n])],
          [`${n.toUpperCase()}_URL`, urls[n]],
        ]),
      ),
    };
    const script = productionScript();
    const flags = [...productionNodeFlags(), ...(options.nodeFlags ?? [])];
    for (const name of SERVICE_NAMES) {
      const output: string[] = [];
      const child = spawn(process.execPath, [...flags, script, name], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Kept short: the last lines say why a service that did not start failed.
      const keep = (chunk: Buffer) => {
        output.push(String(chunk));
        output.splice(0, output.length - 20);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      children.push({ name, child, exited });
      const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
      while (!(await pingable(ports[name]!))) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`the ${name} service did not start:\n${output.join('').slice(-2_000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      urls,
      cpuSeconds: () => children.reduce((sum, { child }) => sum + processUsage(child.pid!).cpuSeconds, 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
