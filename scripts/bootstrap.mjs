// Runs on whatever Node the machine has (before our pinned Node 24 is installed), so plain JS.
// Makes a fresh clone runnable: npm packages, the local database binary, then the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const run = (cmd, cmdArgs) => execFileSync(cmd, cmdArgs, { stdio: 'inherit' });
const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

const installed = existsSync('node_modules/.package-lock.json') && existsSync('node_modules/.bin/node');
if (!installed || statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs) {
  console.error('bootstrap: installing npm packages');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (!process.env.MONGODB_URI && !onPath('mongod')) {
  run('bash', ['scripts/install-ferretdb.sh']);
}

if (!args.has('--no-build')) {
  console.error('bootstrap: building');
  run('npm', ['run', '-s', 'build']);
}
