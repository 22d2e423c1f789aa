import path from 'node:path';
import type { Db } from 'mongodb';
import type { Config } from '../../platform/config/environment.js';
import { startLocalDatabase, type LocalDatabase } from '../../platform/local-db/local-database.js';
import { canConnect } from '../../platform/net/can-connect.js';
import type { Logger } from '../../platform/logger.js';
import { ApiKeyService } from '../../subgraphs/identity/api-keys/api-key.service.js';
import { ApiKeyStore } from '../../subgraphs/identity/api-keys/api-key.store.js';
import { ApiScope } from '../../subgraphs/identity/api-keys/api-key.type.js';
import { AuditStore } from '../../subgraphs/identity/audit/audit.store.js';
import { startSystem } from '../../app/system.js';
import type { SeedScale } from './scales.js';
import { marketplaceCentreWriter, type CentreWriter } from './centres/marketplace-writer.js';

export interface SeedStack {
  url: string;
  /** A fleet:provision key minted for this seed (revoked by stop). */
  apiKey: string;
  agentsDb: Db;
  /** Lists service centres through the marketplace's services; null when there is no admin to approve them. */
  centres: CentreWriter | null;
  countAlerts(vehicleIds: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The stack `npm start` runs, on the same data (DATA_DIR, or MONGODB_URI), in this process on free
 * ports, for as long as the seed takes. Telemetry is kept for the seed's history plus a week, so
 * that ingest accepts its oldest readings; `npm start` must keep them as long (set
 * TELEMETRY_RETENTION_DAYS), or its retention job deletes the older ones.
 */
export async function startSeedStack(base: Config, scale: SeedScale, logger: Logger): Promise<SeedStack> {
  if (!base.MONGODB_URI && (await canConnect(base.PORT))) {
    throw new Error(
      `something listens on port ${base.PORT}, probably npm start on the same data: ` +
        `pass --url http://127.0.0.1:${base.PORT}/graphql to seed it instead`,
    );
  }
  let database: LocalDatabase | undefined;
  let config = { ...base, TELEMETRY_RETENTION_DAYS: Math.max(base.TELEMETRY_RETENTION_DAYS, scale.readingDays + 7) };
  if (!config.MONGODB_URI) {
    database = await startLocalDatabase({ dataDir: path.resolve(config.DATA_DIR, 'db'), root: process.cwd() });
    config = { ...config, MONGODB_URI: database.uri };
  }
  try {
    const system = await startSystem(config, logger, { ephemeralPorts: true });
    // Minted through identity's own service, so the audit log shows it (API_KEY_CREATED, then REVOKED).
    const identityDb = system.deps.mongo.db('identity');
    const keys = new ApiKeyService(new ApiKeyStore(identityDb), new AuditStore(identityDb), system.deps.bus);
    const created = await keys.create(
      {
        name: `npm run seed -- --scale ${scale.name}`,
        scopes: [ApiScope.FLEET_PROVISION],
        expiresAt: new Date(Date.now() + 86_400_000),
      },
      'seed-script',
      {},
    );
    const health = system.deps.mongo.db('health');
    // The admin who approves the seed's partner applications: the platform's first (read, never written here).
    const admin = await identityDb.collection('users').findOne({ roles: 'ADMIN' }, { sort: { _id: 1 } });
    const identity = system.subgraphs.find((s) => s.name === 'identity');
    const centres =
      admin && identity
        ? marketplaceCentreWriter({
            db: system.deps.mongo.db('marketplace'),
            bus: system.deps.bus,
            identityUrl: identity.url,
            internalSecret: config.INTERNAL_SECRET,
            actorId: `apikey:${created.apiKey.id}`,
            adminId: admin._id.toHexString(),
          })
        : null;
    return {
      centres,
      url: system.url,
      apiKey: created.key,
      agentsDb: system.deps.mongo.db('agents'),
      // For the seed's report: health owns alerts; nothing is written here.
      countAlerts: (vehicleIds) => health.collection('alerts').countDocuments({ vehicleId: { $in: [...vehicleIds] } }),
      async stop() {
        await keys.revoke(created.apiKey.id, 'seed-script', {}).catch(() => undefined);
        await system.stop();
        await database?.stop();
      },
    };
  } catch (error) {
    await database?.stop();
    throw error;
  }
}
