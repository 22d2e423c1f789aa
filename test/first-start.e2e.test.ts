import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/local-db/local-database.js';
import { SUBGRAPH_FACTORIES } from '../app/system.js';
import { waitFor } from './wait-for.js';

// `npm start` on a fresh checkout, started by a Node that is not 24: the shell running the npm
// script found the machine's Node before node_modules/.bin/node existed. The checkout has the
// working tree's files and no build; its packages are linked to this one's (npm ci would take
// minutes). The machine's Node is used when it is not 24, otherwise a Node 24 that says it is v20.
const repo = path.resolve(__dirname, '..');
let dir: string;
let start: ChildProcess;
let output = '';
let gatewayPort: number;
let oldNode: string;

const withoutPackageBins = (PATH: string) =>
  PATH.split(path.delimiter)
    .filter((p) => !p.endsWith(`node_modules${path.sep}.bin`))
    .join(path.delimiter);

const machineNode = (PATH: string) =>
  PATH.split(path.delimiter)
    .map((p) => path.join(p, 'node'))
    .find((file) => existsSync(file));

/** A directory whose `node` is a Node other than 24. */
function oldNodeBin(PATH: string): string {
  const bin = path.join(dir, '.old-node');
  mkdirSync(bin);
  const machine = machineNode(PATH);
  const version = machine ? execFileSync(machine, ['--version'], { encoding: 'utf8' }).trim() : '';
  if (machine && !version.startsWith('v24.')) {
    symlinkSync(machine, path.join(bin, 'node'));
    oldNode = version;
  } else {
    const pretend = path.join(bin, 'pretend-v20.mjs');
    writeFileSync(
      pretend,
      "Object.defineProperty(process, 'version', { value: 'v20.20.2' });\n" +
        "Object.defineProperty(process.versions, 'node', { value: '20.20.2' });\n",
    );
    writeFileSync(path.join(bin, 'node'), `#!/bin/sh\nexec '${process.execPath}' --import '${pretend}' "$@"\n`);
    chmodSync(path.join(bin, 'node'), 0o755);
    oldNode = 'v20.20.2 (pretended)';
  }
  return bin;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'clutch-first-start-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(path.join(repo, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(repo, file), path.join(dir, file));
  }
  mkdirSync(path.join(dir, 'node_modules'));
  for (const entry of readdirSync(path.join(repo, 'node_modules'))) {
    if (entry !== '.cache') symlinkSync(path.join(repo, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  // Installed before the lock file was written, as npm ci leaves it: bootstrap installs nothing.
  utimesSync(path.join(dir, 'package-lock.json'), new Date(0), new Date(0));

  const PATH = withoutPackageBins(process.env.PATH ?? '');
  const names = SUBGRAPH_FACTORIES.map((f) => f.name);
  gatewayPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${oldNodeBin(PATH)}${path.delimiter}${PATH}`,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    MONGODB_DB_PREFIX: `t${randomBytes(5).toString('hex')}`,
    BCRYPT_ROUNDS: '4',
    PORT: String(gatewayPort),
  };
  delete env.CLUTCH_BOOTSTRAP_REEXEC;
  for (const name of names) env[`${name.toUpperCase()}_PORT`] = String(await freePort());

  const script = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts.start as string;
  // exec: the signal at the end goes to what the script runs, as npm would send it.
  start = spawn('sh', ['-c', `exec ${script}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  start.stdout!.on('data', (d) => (output += d));
  start.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (start.exitCode !== null) throw new Error(`npm start exited (${start.exitCode}):\n${output}`);
      // Printed once everything is up and SIGTERM is handled; the gateway answers a little before.
      return output.includes('Clutch is up');
    },
    `the first start:\n${output}`,
    240_000,
  );
}, 300_000);

afterAll(async () => {
  if (start && start.exitCode === null) {
    await new Promise((resolve) => (start.once('exit', resolve), start.kill('SIGTERM')));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('runs the first start on the pinned Node 24, which /health/detailed reports', async () => {
  expect(oldNode).not.toMatch(/^v24\./);
  expect(output).toContain(`bootstrap: Node ${oldNode.split(' ')[0]} is not 24`);
  const detailed = (await (await fetch(`http://127.0.0.1:${gatewayPort}/health/detailed`)).json()) as any;
  expect(detailed.status).toBe('up');
  expect(detailed.node).toMatch(/^v24\./);
});

it('built the checkout and stops cleanly on SIGTERM sent to the start command', async () => {
  expect(existsSync(path.join(dir, 'dist'))).toBe(true);
  const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
  start.kill('SIGTERM');
  const code = await exited;
  expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  expect(await fetch(`http://127.0.0.1:${gatewayPort}/health/ping`).catch(() => 'refused')).toBe('refused');
});
