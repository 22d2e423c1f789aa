import { randomBytes } from 'node:crypto';
import { graphql } from 'graphql';
import { MongoClient, type Db } from 'mongodb';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { EventBus } from '../../platform/events/bus.js';
import { InMemoryBroker } from '../../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import { createLogger } from '../../platform/logger.js';
import { isUnitRun, NO_SERVERS_IN_UNIT_TESTS } from '../../test/test-database.js';
import { ManualClock, type Clock } from '../clock.js';
import { createAgentsSubgraph, type AgentsSubgraph } from '../index.js';
import type { AgentsSettings } from '../settings.js';
import { RecordingOwnerNotifier } from './owner-notifier.fake.js';

/* Agents instances on the real test database, without HTTP: for tests of the loop and its parts. */

export const silentLogger = createLogger({ service: 'agents-test', level: 'silent' });
/** Each instance gets its own logger: a raised log level (an action under test) must not leak between tests. */
const quietLogger = () =>
  createLogger({ service: 'agents-test', level: 'silent', destination: { write: () => true } as never });
export const ADMIN_VIEWER: Viewer = { kind: 'user', userId: 'a'.repeat(24), roles: ['ADMIN'] };

export interface TestDatabase {
  db: Db;
  client: MongoClient;
  drop(): Promise<void>;
}

/** A database of its own on the server the jest global setup started. */
/** `monitorCommands` emits the driver's command events, for tests that check the queries sent (test/indexed-queries.ts). */
export async function testDatabase({ monitorCommands = false } = {}): Promise<TestDatabase> {
  if (isUnitRun()) throw new Error(NO_SERVERS_IN_UNIT_TESTS);
  const client = new MongoClient(process.env.MONGODB_URI!, { maxPoolSize: 20, monitorCommands });
  await client.connect();
  const db = client.db(`t${randomBytes(5).toString('hex')}_agents`);
  return {
    db,
    client,
    async drop() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

export const newBus = (): EventBus => new InProcessEventBus(silentLogger, { broker: new InMemoryBroker({}) });

export function testSettings(overrides: Partial<AgentsSettings> = {}): AgentsSettings {
  return {
    defaultMode: 'ON',
    loopIntervalMs: 3_600_000,
    leaseMs: 30_000,
    seed: 7,
    outcomeDelayMs: 0,
    maxActionsPerHour: 20,
    approvalActions: [],
    routines: [
      { kind: 'morning_routine', at: '07:00' },
      { kind: 'evening_routine', at: '19:00' },
    ],
    clientErrorsPerMinute: 60,
    gatewayMetricsIntervalMs: 10_000,
    providers: {},
    internalSecret: 'secret',
    subscriberQueue: 100,
    autoStart: false,
    // No notifications subgraph here: owner notifications are recorded (pass your own to read them).
    ownerNotifier: new RecordingOwnerNotifier(),
    ...overrides,
  };
}

export interface TestAgents {
  agents: AgentsSubgraph;
  clock: Clock;
  bus: EventBus;
  /** Runs an operation against the subgraph schema as `viewer` (admin by default). */
  run<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer | null,
  ): Promise<{ data?: T; errors?: readonly any[] }>;
  reportErrors(n: number, caller?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgents(
  db: Db,
  {
    clock = new ManualClock(Date.parse('2030-03-04T10:00:00Z')),
    bus = newBus(),
    ...overrides
  }: Partial<AgentsSettings> & { clock?: Clock; bus?: EventBus } = {},
): Promise<TestAgents> {
  const agents = await createAgentsSubgraph({
    db,
    bus,
    logger: quietLogger(),
    settings: testSettings({ clock, ...overrides }),
  });
  const run = async (query: string, variables?: Record<string, unknown>, viewer: Viewer | null = ADMIN_VIEWER) => {
    const base = { viewer: viewer ?? undefined, requestId: 'test', logger: silentLogger, clientIp: '10.0.0.1' };
    const result = await graphql({
      schema: agents.schema,
      source: query,
      variableValues: variables,
      contextValue: { ...base, ...agents.context?.(base) },
    });
    return result as { data?: any; errors?: readonly any[] };
  };
  return {
    agents,
    clock,
    bus,
    run,
    async reportErrors(n, caller = 'ip') {
      for (let i = 0; i < n; i++) {
        const viewer: Viewer | null = caller === 'ip' ? null : { kind: 'user', userId: caller, roles: ['CUSTOMER'] };
        const result = await run(
          'mutation($i: ClientErrorInput!) { reportClientError(input: $i) }',
          { i: { message: `boom ${i}` } },
          viewer,
        );
        if (result.errors) throw new Error(JSON.stringify(result.errors));
      }
    },
    async stop() {
      await agents.stop?.();
    },
  };
}

export const codes = (result: { errors?: readonly any[] }) => (result.errors ?? []).map((e) => e.extensions?.code);
