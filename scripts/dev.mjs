// `npm run dev`: compiles with `tsc --watch` and restarts the program after every compile
// without errors (a compile with errors leaves the running one as it is). tsc, not an
// esbuild-based runner such as tsx, because type-graphql reads the decorator metadata that only
// tsc emits.
//
//   node scripts/dev.mjs [--project tsconfig.build.json] [--entry dist/app/start.js]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const project = option('--project', 'tsconfig.build.json');
const entry = option('--entry', 'dist/app/start.js');
/** How long a stopping program may drain before it is killed (its own limit is 20 s). */
const stopTimeoutMs = Number(option('--stop-timeout-ms', '25000'));

const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tsc = spawn(process.execPath, [tscBin, '-p', project, '--watch', '--preserveWatchOutput'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});

let app; // the running program, if any
let pending = Promise.resolve(); // restarts run one after the other
let stopping = false;

const log = (message) => console.error(`dev: ${message}`);

/** Stops the program: sends `signal` (none: it was already signalled) and waits for it to exit. */
function stopApp(signal) {
  const current = app;
  app = undefined;
  if (!current || current.exitCode !== null || current.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => current.kill('SIGKILL'), stopTimeoutMs);
    current.once('exit', () => (clearTimeout(timer), resolve()));
    if (signal) current.kill(signal);
  });
}

function restart() {
  pending = pending.then(async () => {
    if (stopping) return;
    if (app) log('compiled: restarting');
    await stopApp('SIGTERM');
    if (stopping) return;
    app = spawn(process.execPath, ['--enable-source-maps', path.resolve(entry)], { stdio: 'inherit' });
  });
}

let buffered = '';
tsc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop();
  for (const line of lines) {
    const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
    if (done && done[1] === '0') restart();
    else if (done) log(app ? 'compile failed: the running program is unchanged' : 'compile failed: fix it to start');
  }
});

tsc.on('exit', (code) => {
  if (!stopping) log(`tsc exited (${code})`);
  shutdown('SIGTERM');
});

function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  tsc.kill();
  pending.then(() => stopApp(signal)).then(() => process.exit(0));
}
// Ctrl-C in a terminal reaches the program directly (same process group); passing it on as
// well would count as a second signal, which exits at once without draining.
process.on('SIGINT', () => shutdown(process.stdin.isTTY ? null : 'SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
