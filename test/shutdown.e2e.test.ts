import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LoginDocument, RegisterDocument } from './generated/graphql.js';
import { postJson } from './client.js';
import { print } from 'graphql';

/** Runs the built `npm start` entry point as its own process, with its own local database. */
function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['dist/app/start.js'], {
    env: {
      ...process.env,
      MONGODB_URI: '',
      DATA_DIR: dataDir,
      PORT: '0',
      IDENTITY_PORT: '0',
      LOG_LEVEL: 'warn',
      BCRYPT_ROUNDS: '12',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /Clutch is up: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}:\n${out}`)));
  });
}

function databaseProcesses(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', '--', `--state-dir=${dataDir}`])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('process shutdown', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'clutch-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('on SIGTERM lets in-flight requests finish, exits 0 and leaves no database process', async () => {
    const { child, url } = await startProcess(dataDir);
    const credentials = { email: 'sigterm@example.com', password: 'a-long-password' };
    const registered = await postJson(url, {
      query: print(RegisterDocument),
      variables: { input: { ...credentials, name: 'S' } },
    });
    expect(registered.errors).toBeUndefined();
    expect(databaseProcesses(dataDir).length).toBeGreaterThan(0);

    // bcrypt at 12 rounds keeps each login busy long enough to still be running at SIGTERM.
    const inFlight = Array.from({ length: 4 }, () =>
      postJson(url, { query: print(LoginDocument), variables: credentials }),
    );
    // Let the server read all four requests first: Node closes connections whose request it has
    // not started on as idle at shutdown, and a client then sees "other side closed" (the
    // contract is for requests in progress). Four bcrypt-12 logins take far longer than this.
    await new Promise((r) => setTimeout(r, 300));
    const exited = exitOf(child);
    child.kill('SIGTERM');
    const responses = await Promise.all(inFlight);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data.login.user.email).toBe(credentials.email);
    }
    expect(await exited).toBe(0);
    expect(databaseProcesses(dataDir)).toEqual([]);
    await expect(fetch(url.replace('/graphql', '/health/ping'))).rejects.toThrow();
  });

  it('on SIGINT (Ctrl-C) exits and leaves no database process', async () => {
    const { child } = await startProcess(dataDir);
    const exited = exitOf(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(databaseProcesses(dataDir)).toEqual([]);
  });
});
