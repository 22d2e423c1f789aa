// Runs on whatever Node the machine has (before our pinned Node 24 is installed), so plain JS.
// Makes a fresh clone runnable: npm packages, the local database binary, then the build.
//
//   node scripts/bootstrap.mjs [--no-build] [--then <file.js>]
//
// Once the packages are installed, everything else runs on the pinned Node (the `node` npm
// package): when this process is on another version, it re-executes itself under
// node_modules/.bin/node. Without that, a fresh clone's `npm start` would run on the machine's
// Node, since the shell running the npm script looked `node` up before the pinned one existed.
// `--then` imports a program after the build, in the same (pinned) process.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const argv = process.argv.slice(2);
const thenIndex = argv.indexOf('--then');
const then = thenIndex >= 0 ? argv[thenIndex + 1] : undefined;
if (thenIndex >= 0 && !then) throw new Error('bootstrap: --then needs a file');

const run = (cmd, cmdArgs) => execFileSync(cmd, cmdArgs, { stdio: 'inherit' });
const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const major = (version) => Number(/^v?(\d+)/.exec(version)?.[1]);

const binDir = path.join(root, 'node_modules', '.bin');
const pinnedNode = path.join(binDir, 'node');
/** The major version engines.node asks for (">=24 <25" → 24). */
const wantedMajor = major(/\d+/.exec(JSON.parse(readFileSync('package.json', 'utf8')).engines.node)[0]);

const installed = existsSync('node_modules/.package-lock.json') && existsSync(pinnedNode);
if (!installed || statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs) {
  console.error('bootstrap: installing npm packages');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (major(process.version) !== wantedMajor && existsSync(pinnedNode)) {
  if (process.env.CLUTCH_BOOTSTRAP_REEXEC) {
    console.error(`bootstrap: ${pinnedNode} still runs Node ${process.version}, not ${wantedMajor}; going on`);
  } else {
    await reexecPinned();
  }
}

if (!process.env.MONGODB_URI && !onPath('mongod')) {
  run('bash', ['scripts/install-ferretdb.sh']);
}

if (!argv.includes('--no-build')) {
  console.error('bootstrap: building');
  run('npm', ['run', '-s', 'build']);
}

if (then) await import(pathToFileURL(path.resolve(then)).href);

/** Runs this script again under the pinned Node and exits as it does; never returns. */
async function reexecPinned() {
  console.error(`bootstrap: Node ${process.version} is not ${wantedMajor}; continuing under ${pinnedNode}`);
  const child = spawn(pinnedNode, [fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    // node_modules/.bin first, so whatever the child starts finds the pinned Node too.
    env: { ...process.env, CLUTCH_BOOTSTRAP_REEXEC: '1', PATH: `${binDir}${path.delimiter}${process.env.PATH}` },
  });
  child.on('error', (error) => {
    console.error(`bootstrap: cannot run ${pinnedNode}: ${error.message}`);
    process.exit(1);
  });
  // A signal sent to this process alone is passed on. Ctrl-C in a terminal reaches the child
  // directly (same process group), and a second SIGINT would make it exit without draining.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => {
    if (!process.stdin.isTTY) child.kill('SIGINT');
  });
  const [code, signal] = await new Promise((resolve) => child.on('exit', (...result) => resolve(result)));
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
}
