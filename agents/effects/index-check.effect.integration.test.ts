import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { INTERNAL_SECRET_HEADER } from '../../platform/auth/viewer.js';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import { checkIndexes, serveIndexCheck } from '../../platform/ops/index-check.js';
import { vehiclesRoutes } from '../../subgraphs/vehicles/contract.js';
import { AGENTS_INDEXES } from '../declared-indexes.js';
import { startAgents, testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import { remoteIndexCheckers } from './index-checkers.js';
import { indexCheckEffect } from './index-check.effect.js';

const SECRET = 'internal-secret-for-index-checks-0123456789';
/** What a service's declared-indexes module gives (another service's internals stay out of the agents' tests). */
const VEHICLES_INDEXES: Record<string, IndexDeclaration[]> = {
  obd_devices: [{ key: { vehicleId: 1, _id: -1 } }, { key: { revokedAt: 1 } }],
  vehicles: [{ key: { ownerId: 1, removedAt: 1, _id: -1 } }],
};
let agentsDb: TestDatabase;
let vehiclesDb: TestDatabase;
let server: Server;
let vehiclesUrl: string;

/** The vehicles service's index-check route, as its index.ts serves it, over its own database. */
beforeEach(async () => {
  [agentsDb, vehiclesDb] = await Promise.all([testDatabase(), testDatabase()]);
  for (const [collection, indexes] of Object.entries(VEHICLES_INDEXES))
    await ensureIndexes(vehiclesDb.db.collection(collection), indexes);
  const app = express();
  const internal = express.Router();
  internal.use((req, res, next) =>
    req.header(INTERNAL_SECRET_HEADER) === SECRET ? next() : void res.status(403).end(),
  );
  serveIndexCheck(internal, vehiclesRoutes.indexes, 'vehicles', vehiclesDb.db, VEHICLES_INDEXES);
  app.use(internal);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vehiclesUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.all([agentsDb.drop(), vehiclesDb.drop()]);
});

describe('index checks per service', () => {
  it("check every service through its contract's route, not only the agents' own database", async () => {
    const a = await startAgents(agentsDb.db);
    await a.stop();
    const effect = indexCheckEffect({
      own: { service: 'agents', db: agentsDb.db, declared: AGENTS_INDEXES },
      others: remoteIndexCheckers({ vehicles: vehiclesUrl, telemetry: 'http://127.0.0.1:9/graphql' }, SECRET, 2000),
    });
    expect((await effect.targets()).services!.sort()).toEqual(['agents', 'telemetry', 'vehicles']);
    expect(await effect.refuse({ services: ['agents', 'gateway'] })).toMatch(/gateway/);

    const healthy = await effect.apply({ services: ['agents', 'vehicles'] }, { decisionId: 'd1', now: new Date() });
    expect(healthy.success).toBe(true);
    expect(healthy.summary).toMatch(
      /^agents: all \d+ declared indexes present \| vehicles: all \d+ declared indexes present$/,
    );

    // An index gone from the vehicles database is seen by its own check, and reported by the agents.
    await vehiclesDb.db.collection('obd_devices').dropIndex('revokedAt_1');
    const found = await effect.apply({ services: ['vehicles'] }, { decisionId: 'd2', now: new Date() });
    expect(found).toEqual({
      success: false,
      summary: expect.stringMatching(/^vehicles: 1 of \d+ indexes missing: obd_devices \{"revokedAt":1\}$/),
    });
    expect(await checkIndexes('vehicles', vehiclesDb.db, VEHICLES_INDEXES)).toMatchObject({
      missing: [{ collection: 'obd_devices', key: '{"revokedAt":1}' }],
    });

    // A service that does not answer fails the check and says so.
    const unreachable = await effect.apply({ services: ['telemetry'] }, { decisionId: 'd3', now: new Date() });
    expect(unreachable.success).toBe(false);
    expect(unreachable.summary).toMatch(
      /^telemetry: not checked \(internal call \/internal\/telemetry\/indexes: unreachable/,
    );
  });

  it("the agents' own check still sees a missing index of theirs", async () => {
    const a = await startAgents(agentsDb.db);
    await a.stop();
    await agentsDb.db.collection('decisions').dropIndex('status_1__id_-1');
    const effect = indexCheckEffect({
      own: { service: 'agents', db: agentsDb.db, declared: AGENTS_INDEXES },
      others: {},
    });
    const result = await effect.apply({ services: ['agents'] }, { decisionId: 'd4', now: new Date() });
    expect(result.success).toBe(false);
    expect(result.summary).toMatch(/agents: 1 of \d+ indexes missing: decisions \{"status":1,"_id":-1\}/);
  });
});
