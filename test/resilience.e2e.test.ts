import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDatabase, type LocalDatabase } from '../platform/local-db/local-database.js';
import { LoginDocument, RegisterDocument } from './generated/graphql.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'clutch-loss-'));
let db: LocalDatabase;
let t: TestSystem;

beforeAll(async () => {
  db = await startLocalDatabase({ dataDir, root: process.cwd() });
  t = await startTestSystem({ MONGODB_URI: db.uri });
});
afterAll(async () => {
  await t.stop().catch(() => undefined);
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = async (route: string) => {
  const response = await fetch(`${t.baseUrl}${route}`);
  return { status: response.status, body: (await response.json()) as any };
};

describe('health routes', () => {
  it('report the gateway, each subgraph and the database', async () => {
    expect(await get('/health/ping')).toEqual({ status: 200, body: { status: 'ok', service: 'gateway' } });
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ 'subgraph:identity': { status: 'up' }, database: { status: 'up' } });
    expect((await get('/health/database')).body.database.status).toBe('up');
    const detailed = await get('/health/detailed');
    expect(detailed.body).toMatchObject({ status: 'up', memory: { rssBytes: expect.any(Number) } });
    const metrics = await fetch(`${t.baseUrl}/metrics`);
    expect(await metrics.text()).toContain('http_request_duration_seconds');
  });
});

describe('losing the database', () => {
  it('reports it down, fails requests clearly, and recovers without a restart', async () => {
    await t.request(RegisterDocument, { input: { email: 'loss@example.com', password: 'a-long-password', name: 'L' } });
    await db.stop();

    const health = await get('/health/database');
    expect(health.status).toBe(503);
    expect(health.body.database.status).toBe('down');
    expect((await get('/health')).body.status).toBe('down');

    const during = await t.request(LoginDocument, { email: 'loss@example.com', password: 'a-long-password' });
    expect(errorCodes(during)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(during.errors![0]!.message).toMatch(/unavailable/i);

    db = await startLocalDatabase({ dataDir, root: process.cwd(), port: db.port });
    let after;
    for (let i = 0; i < 50; i++) {
      after = await t.request(LoginDocument, { email: 'loss@example.com', password: 'a-long-password' });
      if (!after.errors) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(after!.errors).toBeUndefined();
    expect(after!.data!.login.user.email).toBe('loss@example.com');
    expect((await get('/health/database')).status).toBe(200);
  });
});

describe('losing a subgraph', () => {
  it('answers SERVICE_UNAVAILABLE instead of an internal error, and the rest of the graph keeps serving', async () => {
    const identity = t.system.subgraphs.find((s) => s.name === 'identity')!;
    await identity.stop();
    const during = await t.request(LoginDocument, { email: 'loss@example.com', password: 'a-long-password' });
    expect(errorCodes(during)).toEqual(['SERVICE_UNAVAILABLE']);
    expect((await get('/health')).body.checks['subgraph:identity'].status).toBe('down');
    expect((await get('/health/ping')).status).toBe(200);
  });
});
