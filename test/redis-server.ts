import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/local-db/local-database.js';
import { isUnitRun, NO_SERVERS_IN_UNIT_TESTS } from './test-database.js';

export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function installed(): boolean {
  return spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('data', (reply) => {
      socket.destroy();
      // -NOAUTH also means it is up, for servers started with a password.
      resolve(reply.toString().startsWith('+PONG') || reply.toString().startsWith('-NOAUTH'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.write('PING\r\n');
  });
}

/**
 * A throwaway redis-server on a free loopback port, no persistence, in a temporary folder;
 * one per test file that needs it. A missing redis-server fails the tests: it is a
 * dependency of the suite, not an optional extra. Pass the `port` of one that was stopped to
 * bring "the same" Redis back (empty: nothing persists), as after an outage.
 */
export async function startRedisServer(options: { password?: string; port?: number } = {}): Promise<TestRedis> {
  if (isUnitRun()) throw new Error(NO_SERVERS_IN_UNIT_TESTS);
  if (!installed()) {
    throw new Error(
      `redis-server is not installed (tried "${BINARY}"): \`.ci/run\` installs it from Debian's packages (apt-get install redis-server)`,
    );
  }
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'clutch-test-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn(BINARY, args, { stdio: 'ignore' });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A worker that exits without calling stop() must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = readFileSync(path.join(dir, 'redis.log'), { encoding: 'utf8', flag: 'a+' }).slice(-2_000);
      await stop();
      throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, port, pid, stop };
}
