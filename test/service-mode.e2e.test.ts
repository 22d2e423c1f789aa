import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { freePort } from '../platform/local-db/local-database.js';
import { SUBGRAPH_FACTORIES } from '../app/system.js';
import { MeDocument, RegisterDocument } from './generated/graphql.js';
import { postJson } from './client.js';
import { startRedisServer, type TestRedis } from './redis-server.js';
import { waitFor } from './wait-for.js';

// Production mode: every service in its own process (the built `npm run service`), sharing
// only the database, Redis and the secrets, finding each other through <NAME>_URL.
const children: { name: string; child: ChildProcess; output: string[] }[] = [];
let redis: TestRedis;
let gatewayPort: number;

const ping = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ping`)).ok;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  redis = await startRedisServer();
  const names = SUBGRAPH_FACTORIES.map((f) => f.name);
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  gatewayPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    MONGODB_DB_PREFIX: `t${randomBytes(5).toString('hex')}`,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_SECRET: randomBytes(32).toString('hex'),
    BCRYPT_ROUNDS: '4',
    PORT: String(gatewayPort),
  };
  for (const name of names) {
    env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
    env[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[name]}/graphql`;
  }
  for (const [name, port] of [...names.map((n) => [n, ports[n]!] as const), ['gateway', gatewayPort] as const]) {
    const output: string[] = [];
    const child = spawn(process.execPath, ['dist/app/service.js', name], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    children.push({ name, child, output });
    await waitFor(() => ping(port), `${name} to start:\n${output.join('')}`, 30_000);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(
    children.map(({ child }) =>
      child.exitCode !== null
        ? undefined
        : new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
    ),
  );
  await redis?.stop();
});

it('serves the graph with each service in its own process', async () => {
  const url = `http://127.0.0.1:${gatewayPort}/graphql`;
  const registered = await postJson(url, {
    query: print(RegisterDocument),
    variables: { input: { email: 'split@example.com', password: 'a-long-password', name: 'Split' } },
  });
  expect(registered.errors).toBeUndefined();
  const me = await postJson(url, { query: print(MeDocument) }, { token: registered.data.register.accessToken });
  expect(me.data.me.email).toBe('split@example.com');

  const health = (await (await fetch(`http://127.0.0.1:${gatewayPort}/health`)).json()) as any;
  expect(health.status).toBe('up');
  for (const { name } of SUBGRAPH_FACTORIES) expect(health.checks[`subgraph:${name}`].status).toBe('up');
});

it('stops every service cleanly on SIGTERM', async () => {
  const exits = children.map(
    ({ child }) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
  );
  for (const { child } of children) child.kill('SIGTERM');
  expect(await Promise.all(exits)).toEqual(children.map(() => 0));
});
