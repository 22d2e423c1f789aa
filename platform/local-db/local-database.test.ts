import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startLocalDatabase } from './local-database.js';

function databasePids(dataDir: string): string[] {
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

describe('local database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'clutch-localdb-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts a real server that stores documents and leaves no process after stop', async () => {
    const db = await startLocalDatabase({ dataDir, root: process.cwd() });
    const client = await MongoClient.connect(db.uri);
    await client.db('t').collection('c').insertOne({ a: 1 });
    expect(await client.db('t').collection('c').countDocuments({ a: 1 })).toBe(1);
    await client.close();
    expect(databasePids(dataDir).length).toBeGreaterThan(0);
    await db.stop();
    expect(databasePids(dataDir)).toEqual([]);
  });

  it('runs FerretDB with WAL commits that do not wait for the disk (synchronous NORMAL)', async () => {
    const db = await startLocalDatabase({ dataDir, root: process.cwd() });
    try {
      const [pid] = databasePids(dataDir).filter((p) =>
        readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('ferretdb'),
      );
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain(`--sqlite-url=file:${dataDir}/?_pragma=synchronous(NORMAL)`);
    } finally {
      await db.stop();
    }
  });

  it('runs FerretDB with GOGC 400 (fewer collections of its short-lived heap), unless the environment sets GOGC', async () => {
    const environOf = async () => {
      const db = await startLocalDatabase({ dataDir, root: process.cwd() });
      try {
        const [pid] = databasePids(dataDir).filter((p) =>
          readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('ferretdb'),
        );
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      } finally {
        await db.stop();
      }
    };
    const before = process.env.GOGC;
    try {
      delete process.env.GOGC;
      expect(await environOf()).toContain('GOGC=400');
      process.env.GOGC = '150';
      const set = await environOf();
      expect(set).toContain('GOGC=150');
      expect(set).not.toContain('GOGC=400');
    } finally {
      if (before === undefined) delete process.env.GOGC;
      else process.env.GOGC = before;
    }
  });

  it('ends the database when its parent process is killed outright', async () => {
    const script = `
      const { startLocalDatabase } = require('./platform/local-db/local-database.ts');
      startLocalDatabase({ dataDir: ${JSON.stringify(dataDir)}, root: process.cwd() }).then(() => console.log('up'));
      setInterval(() => {}, 1000);`;
    // The child runs TypeScript through tsx so the test exercises the same module.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('up') && resolve()));
    expect(databasePids(dataDir).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (databasePids(dataDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(databasePids(dataDir)).toEqual([]);
  });
});
