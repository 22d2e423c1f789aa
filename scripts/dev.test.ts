import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '../test/wait-for.js';

// `npm run dev` on a project of one file: tsc --watch compiles it, dev.mjs starts it, and a
// change restarts it only once it compiles. The program says 'started' only once its SIGTERM
// handler is in place: a signal that arrives before it takes the default action and kills the
// program without a word.
let dir: string;
let dev: ChildProcess;
let output = '';

const program = (version: string, extra = '') =>
  `declare const process: any;
const version: string = '${version}';${extra}
process.on('SIGTERM', () => { console.log('stopped ' + version); process.exit(0); });
setInterval(() => undefined, 1000);
console.log('started ' + version);
`;
const count = (text: string) => output.split(text).length - 1;
const until = (text: string, times = 1) =>
  waitFor(() => count(text) >= times, `"${text}" x${times} in:\n${output}`, 60_000);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'clutch-dev-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        strict: true,
        outDir: 'dist',
        rootDir: 'src',
        types: [],
      },
      include: ['src'],
    }),
  );
  writeFileSync(path.join(dir, 'src', 'app.ts'), program('one'));
  dev = spawn(
    process.execPath,
    [path.resolve('scripts/dev.mjs'), '--project', 'tsconfig.json', '--entry', 'dist/app.js'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  dev.stdout!.on('data', (d) => (output += d));
  dev.stderr!.on('data', (d) => (output += d));
});

afterAll(async () => {
  if (dev.exitCode === null) await new Promise((resolve) => (dev.once('exit', resolve), dev.kill('SIGTERM')));
  rmSync(dir, { recursive: true, force: true });
});

it('starts the program once it compiles', async () => {
  await until('started one');
});

it('restarts it on a change: the old one is stopped first', async () => {
  writeFileSync(path.join(dir, 'src', 'app.ts'), program('two'));
  await until('started two');
  expect(output.indexOf('stopped one')).toBeGreaterThan(-1);
  expect(output.indexOf('stopped one')).toBeLessThan(output.indexOf('started two'));
});

it('leaves the running program alone while the code does not compile', async () => {
  writeFileSync(path.join(dir, 'src', 'app.ts'), program('three', "\nconst broken: number = 'text';"));
  await until('compile failed: the running program is unchanged');
  expect(output).toContain("Type 'string' is not assignable to type 'number'");
  expect(count('stopped two')).toBe(0);
  writeFileSync(path.join(dir, 'src', 'app.ts'), program('four'));
  await until('started four');
  expect(count('stopped two')).toBe(1);
  expect(count('started three')).toBe(0);
});

it('stops the program when it is stopped', async () => {
  // 'close', not 'exit': the program writes to the same pipe, and its last line may still be
  // unread when the runner's exit is reported.
  const exited = new Promise<number | null>((resolve) => dev.once('close', resolve));
  dev.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toContain('stopped four');
});
