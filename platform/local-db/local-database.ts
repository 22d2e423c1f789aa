import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { canConnect } from '../net/can-connect.js';

export interface LocalDatabaseOptions {
  /** Where the data lives: `.data/db` for `npm start`, a temporary folder for tests. */
  dataDir: string;
  /** Project root, where `.tools/bin/ferretdb` is installed. */
  root: string;
  /** A fixed port (to restart on the same address); a free one by default. */
  port?: number;
  startTimeoutMs?: number;
  /** This FerretDB binary rather than mongod or `.tools/bin/ferretdb` (a benchmark's baseline build). */
  ferretdb?: string;
}

export interface LocalDatabase {
  uri: string;
  port: number;
  engine: 'mongod' | 'ferretdb';
  pid: number;
  stop(): Promise<void>;
}

/**
 * The database runs under a bash watchdog that holds our stdin: when this process dies for
 * any reason (even SIGKILL) the pipe closes, the watchdog's `read` returns and it ends the
 * database, so no orphan survives a crashed test run or a killed `npm start`.
 */
const WATCHDOG = [
  'log="$1"; shift',
  '"$@" >>"$log" 2>&1 & db=$!',
  "trap 'kill -TERM $db 2>/dev/null; wait $db; exit 0' TERM INT HUP",
  'while read -r _; do :; done',
  'kill -TERM $db 2>/dev/null; wait $db',
].join('\n');

/**
 * Ports handed out below Linux's ephemeral range (32768-60999): a port found free there is
 * only bound later (a database or a service starting), and in between an outgoing connection
 * of this machine, which the kernel numbers from the ephemeral range, could take it.
 */
const PORTS_FROM = 20_000;
const PORTS_TO = 32_767;

function bindable(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/** A loopback port free now, for a server that starts later (see PORTS_FROM). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindable(PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM + 1)));
    if (port !== null) return port;
  }
  const any = await bindable(0);
  if (any === null) throw new Error('no free loopback port');
  return any;
}

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function commandFor(options: LocalDatabaseOptions, port: number): { engine: LocalDatabase['engine']; argv: string[] } {
  if (!options.ferretdb && onPath('mongod')) {
    return {
      engine: 'mongod',
      argv: ['mongod', '--dbpath', options.dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
    };
  }
  const ferretdb = options.ferretdb ?? path.join(options.root, '.tools/bin/ferretdb');
  if (!existsSync(ferretdb)) {
    throw new Error(`FerretDB is not installed at ${ferretdb}: run scripts/install-ferretdb.sh, or set MONGODB_URI`);
  }
  return {
    engine: 'ferretdb',
    argv: [
      ferretdb,
      '--handler=sqlite',
      // WAL without an fsync per commit: a crash of this process loses nothing, a power cut may
      // lose the last commits, as with MongoDB's default write concern (acknowledged before
      // its journal is flushed). With an fsync each, commits to one file queue behind the disk:
      // storing telemetry took p99 1.2 s instead of 0.4 s, at a fifth to a third fewer readings a second.
      `--sqlite-url=file:${options.dataDir}/?_pragma=synchronous(NORMAL)`,
      `--state-dir=${options.dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
  };
}

/**
 * FerretDB's collector target (Go's GOGC): its live heap is small and each command's garbage is
 * large next to it (every document decoded from JSON, then encoded as BSON), so Go's default of
 * 100 collected several times a second under load, with malloc and GC about half of its CPU.
 * At 400, its CPU per myVehicles read path (four queries, seed-scale data) fell from 1.32-1.37
 * to 1.07-1.09 ms in three alternating runs, with its RSS at 100-140 MB under load. Measured again
 * once FerretDB decoded documents in one pass (clutch.10, far less garbage): on the list of 20
 * under `bench:gateway --compare` (10 s x 2 rounds, alternating runs), its CPU per request was
 * 1.14-1.17 ms at 100, 1.0 at 200, 0.74-0.77 at 400 and 0.83 at 800, its peak RSS 72-82, 89,
 * 93-101 and 142 MB: 400 still pays. A GOGC set in the environment wins.
 */
export const FERRETDB_GOGC = '400';

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

export async function startLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const { engine, argv } = commandFor(options, port);
  const child = spawn(
    'bash',
    ['-c', WATCHDOG, 'clutch-db-watchdog', path.join(options.dataDir, `${engine}.log`), ...argv],
    {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: engine === 'ferretdb' ? { ...process.env, GOGC: process.env.GOGC ?? FERRETDB_GOGC } : process.env,
    },
  );
  // Neither the child nor our end of its pipe may keep this process alive by themselves.
  child.unref();
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (!(await canConnect(port))) {
    if (child.exitCode !== null)
      throw new Error(`${engine} exited with code ${child.exitCode}; see ${options.dataDir}/${engine}.log`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`${engine} did not accept connections on 127.0.0.1:${port} in time`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    engine,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(killer);
    },
  };
}
