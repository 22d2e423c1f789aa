import { LOG_LEVEL_TOPIC, listenForLogLevel, type LogLevelCommand } from '../../platform/ops/log-level.js';
import {
  RATE_LIMIT_TOPIC,
  listenForRateLimitOverrides,
  type RateLimitCommand,
} from '../../platform/ops/rate-limit-overrides.js';
import type { EventBus } from '../../platform/events/bus.js';
import { RATE_LIMIT_SCOPES } from '../actions/parameters.js';
import { createLogger } from '../../platform/logger.js';
import {
  codes,
  newBus,
  silentLogger,
  startAgents,
  testDatabase,
  type TestAgents,
  type TestDatabase,
} from '../testing/agents-harness.js';
import { SeenAlertStore } from '../signals/seen-alert.store.js';
import { healthAlert } from '../testing/health-alert.js';
import { ActiveEffectStore } from './active-effect.store.js';
import { announceGatewayLimits } from './gateway-rate-limits.js';
import { expireEffects } from './end-effects.js';
import { logLevelEffect } from './log-level.effect.js';
import { RecordingOwnerNotifier } from '../testing/owner-notifier.fake.js';
import { notifyOwnersEffect } from './notify-owners.effect.js';
import { CONTROLLED_SCOPES } from './rate-limit-policy.js';
import { rateLimitEffect } from './rate-limits.effect.js';

let database: TestDatabase;
let effects: ActiveEffectStore;
beforeEach(async () => {
  database = await testDatabase();
  effects = new ActiveEffectStore(database.db);
  await effects.init();
});
afterEach(async () => database.drop());

const at = (iso: string) => new Date(iso);

/** Every rate-limit command published on `bus` from now on. */
function commandsOn(bus: EventBus): RateLimitCommand[] {
  const seen: RateLimitCommand[] = [];
  bus.subscribe<RateLimitCommand>(RATE_LIMIT_TOPIC, (c) => void seen.push(c));
  return seen;
}

describe('rate limits', () => {
  let a: TestAgents;
  afterEach(async () => a?.stop());

  it('tightening really lowers what reportClientError accepts, and rolling back restores it', async () => {
    a = await startAgents(database.db, { clientErrorsPerMinute: 10 });
    const caller = 'e'.repeat(24);
    await a.reportErrors(5, caller);
    const store = new ActiveEffectStore(database.db);
    const sent = commandsOn(a.bus);
    const tighten = rateLimitEffect('tighten_rate_limits', store, a.bus);
    const now = new Date(a.clock.now());
    expect(
      await tighten.apply({ scopes: ['client_errors'], factor: 0.5, durationMinutes: 10 }, { decisionId: 'd1', now }),
    ).toMatchObject({ success: true });
    await expect(a.reportErrors(1, caller)).rejects.toThrow(/RATE_LIMITED/);
    expect(await tighten.revert!({ decisionId: 'd1', now })).toMatch(/back to normal/);
    await a.reportErrors(1, caller);
    // client_errors is limited here, not by the gateway: nothing was sent to it.
    expect(sent).toEqual([]);
  });

  it("sends the gateway's scopes to the gateways, records every scope, and rollback restores them", async () => {
    const bus = newBus();
    const sent = commandsOn(bus);
    const gateway = listenForRateLimitOverrides(bus, silentLogger);
    const tighten = rateLimitEffect('tighten_rate_limits', effects, bus);
    const now = at('2030-01-01T00:00:00Z');
    const until = at('2030-01-01T00:30:00Z').getTime();
    await tighten.apply(
      { scopes: ['api', 'login', 'ingest', 'client_errors'], factor: 0.5, durationMinutes: 30 },
      { decisionId: 'd5', now },
    );
    expect(sent).toEqual([
      { scope: 'api', factor: 0.5, until, decisionId: 'd5' },
      { scope: 'login', factor: 0.5, until, decisionId: 'd5' },
      { scope: 'ingest', factor: 0.5, until, decisionId: 'd5' },
    ]);
    expect((await effects.listActive(now)).map((e) => [e.target, e.value, e.kind]).sort()).toEqual([
      ['api', '0.5', 'rate_limit'],
      ['client_errors', '0.5', 'rate_limit'],
      ['ingest', '0.5', 'rate_limit'],
      ['login', '0.5', 'rate_limit'],
    ]);
    expect(gateway.current()).toEqual({
      api: { factor: 0.5, until, decisionId: 'd5' },
      login: { factor: 0.5, until, decisionId: 'd5' },
      ingest: { factor: 0.5, until, decisionId: 'd5' },
    });

    sent.length = 0;
    expect(await tighten.revert!({ decisionId: 'd5', now })).toMatch(/back to normal/);
    expect(sent.map((c) => [c.scope, c.factor, c.until, c.decisionId]).sort()).toEqual([
      ['api', null, null, 'd5'],
      ['ingest', null, null, 'd5'],
      ['login', null, null, 'd5'],
    ]);
    expect(gateway.current()).toEqual({});
    expect(await effects.listActive(now)).toEqual([]);
    // Once undone, there is nothing left to undo or to send.
    sent.length = 0;
    expect(await tighten.revert!({ decisionId: 'd5', now })).toBe('nothing left to undo');
    expect(sent).toEqual([]);
    gateway.stop();
  });

  it('accepts every catalogue scope, the gateway ones included', async () => {
    expect([...CONTROLLED_SCOPES].sort()).toEqual([...RATE_LIMIT_SCOPES].sort());
    const relax = rateLimitEffect('relax_rate_limits', effects, newBus());
    for (const scopes of [['login'], ['api', 'ingest'], ['client_errors'], [...RATE_LIMIT_SCOPES]] as const)
      expect(await relax.refuse({ scopes: [...scopes], factor: 2, durationMinutes: 5 })).toBeNull();
    expect(await relax.refuse({ scopes: ['graphql' as never], factor: 2, durationMinutes: 5 })).toMatch(
      /not controlled here: graphql/,
    );
  });

  it('repeats the gateway overrides in force, so a late gateway catches up, and restores them as they expire', async () => {
    const bus = newBus();
    const sent = commandsOn(bus);
    const now = at('2030-01-01T00:00:00Z');
    await rateLimitEffect('tighten_rate_limits', effects, bus).apply(
      { scopes: ['api', 'client_errors'], factor: 0.5, durationMinutes: 10 },
      { decisionId: 'd6', now },
    );
    await rateLimitEffect('relax_rate_limits', effects, bus).apply(
      { scopes: ['login'], factor: 2, durationMinutes: 5 },
      { decisionId: 'd7', now },
    );
    sent.length = 0;

    // A gateway started since then hears them at the next announcement.
    const late = listenForRateLimitOverrides(bus, silentLogger);
    expect(await announceGatewayLimits(effects, bus, at('2030-01-01T00:01:00Z'))).toBe(2);
    expect(sent).toEqual([
      { scope: 'login', factor: 2, until: at('2030-01-01T00:05:00Z').getTime(), decisionId: 'd7' },
      { scope: 'api', factor: 0.5, until: at('2030-01-01T00:10:00Z').getTime(), decisionId: 'd6' },
    ]);
    expect([late.factor('api'), late.factor('login'), late.factor('ingest')]).toEqual([0.5, 2, 1]);

    sent.length = 0;
    expect(await expireEffects(effects, bus, at('2030-01-01T00:05:00Z'))).toHaveLength(1);
    expect(sent).toEqual([{ scope: 'login', factor: null, until: null, decisionId: 'd7' }]);
    expect(late.factor('login')).toBe(1);
    expect(await announceGatewayLimits(effects, bus, at('2030-01-01T00:05:00Z'))).toBe(1);
    expect(await expireEffects(effects, bus, at('2030-01-01T00:10:00Z'))).toHaveLength(2);
    expect(await announceGatewayLimits(effects, bus, at('2030-01-01T00:10:00Z'))).toBe(0);
    late.stop();
  });
});

describe('log level', () => {
  it('raises the listening services for a while and restores them when the effect expires', async () => {
    const bus = newBus();
    const logger = createLogger({ service: 'x', level: 'info', destination: { write: () => true } as never });
    const listener = listenForLogLevel(bus, 'agents', logger);
    const seen: LogLevelCommand[] = [];
    bus.subscribe<LogLevelCommand>(LOG_LEVEL_TOPIC, (c) => void seen.push(c));
    const effect = logLevelEffect(bus, effects);

    expect(await effect.refuse({ services: ['telemetry'], level: 'debug', durationMinutes: 5 })).toMatch(/telemetry/);
    const now = at('2030-01-01T00:00:00Z');
    await effect.apply(
      { services: ['agents', 'gateway'], level: 'debug', durationMinutes: 5 },
      { decisionId: 'd2', now },
    );
    expect(logger.level).toBe('debug');
    expect((await effects.listActive(now)).map((e) => e.target).sort()).toEqual(['agents', 'gateway']);

    expect(await expireEffects(effects, bus, at('2030-01-01T00:04:59Z'))).toEqual([]);
    expect(await expireEffects(effects, bus, at('2030-01-01T00:05:00Z'))).toHaveLength(2);
    expect(logger.level).toBe('info');
    expect(
      seen
        .filter((c) => c.level === null)
        .map((c) => c.service)
        .sort(),
    ).toEqual(['agents', 'gateway']);
    expect(await expireEffects(effects, bus, at('2030-01-01T00:06:00Z'))).toEqual([]);
    listener.stop();
  });
});

describe('ending an effect', () => {
  const effect = (target: string, appliedAt: Date) => ({
    decisionId: 'd-end',
    action: 'raise_log_level' as const,
    kind: 'log_level' as const,
    target,
    value: 'debug',
    appliedAt,
    expiresAt: new Date(appliedAt.getTime() + 60_000),
  });

  it('is done by exactly one of several concurrent callers, and never again once superseded', async () => {
    const first = await effects.add(effect('gateway', at('2030-01-01T00:00:00Z')));
    const ended = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        effects.markReverted(first._id, i % 2 ? 'rollback' : 'expired', at('2030-01-01T00:00:30Z')),
      ),
    );
    expect(ended.filter(Boolean)).toHaveLength(1);

    const older = await effects.add(effect('vehicles', at('2030-01-01T00:00:00Z')));
    await effects.add(effect('vehicles', at('2030-01-01T00:00:10Z')));
    expect(await effects.markReverted(older._id, 'expired', at('2030-01-01T00:01:00Z'))).toBe(false);
    const stored = await database.db.collection('active_effects').findOne({ _id: older._id });
    expect(stored).toMatchObject({ revertReason: 'superseded', revertedAt: at('2030-01-01T00:00:10Z') });
  });
});

describe('owner notifications', () => {
  it('only aims at vehicles with an open critical alert', async () => {
    const alerts = new SeenAlertStore(database.db);
    await alerts.record(healthAlert('a1', 'v1', 'CRITICAL'), new Date());
    await alerts.record(healthAlert('a2', 'v2', 'CRITICAL'), new Date());
    await alerts.record(healthAlert('a2', 'v2', 'CRITICAL', ['OPEN', 'RESOLVED']), new Date());
    await alerts.record(healthAlert('a2', 'v2', 'CRITICAL'), new Date()); // late, ignored
    await alerts.record(healthAlert('a3', 'v3', 'HIGH'), new Date());
    const notifier = new RecordingOwnerNotifier();
    const notify = notifyOwnersEffect(notifier, alerts);
    expect(await notify.targets()).toEqual({ vehicleIds: ['v1'] });
    expect(await notify.refuse({ vehicleIds: ['v1'], message: 'hi' })).toBeNull();
    expect(await notify.refuse({ vehicleIds: ['v1', 'v2', 'v3'], message: 'hi' })).toMatch(/2 vehicle/);
    const result = await notify.apply(
      { vehicleIds: ['v1'], message: 'Check your car' },
      { decisionId: 'd4', now: new Date() },
    );
    expect(notifier.requests).toEqual([{ decisionId: 'd4', vehicleIds: ['v1'], message: 'Check your car' }]);
    // The report says what the notifications subgraph sent, not what was asked.
    expect(result).toMatchObject({
      success: true,
      summary: '1 notification(s) sent to 1 owner(s) of 1 vehicle(s) (IN_APP); inbox entries: d4-0',
    });
  });

  it('reports a failure when nobody could be notified, and throws when the service is down', async () => {
    const alerts = new SeenAlertStore(database.db);
    const nobody = notifyOwnersEffect({ notifyOwners: async () => ({ notified: [], withoutOwner: ['v9'] }) }, alerts);
    expect(
      await nobody.apply({ vehicleIds: ['v9'], message: 'hi' }, { decisionId: 'd5', now: new Date() }),
    ).toMatchObject({
      success: false,
      summary:
        '0 notification(s) sent to 0 owner(s) of 1 vehicle(s) (none); 1 vehicle(s) without an owner; inbox entries: none',
    });
    const down = notifyOwnersEffect({ notifyOwners: () => Promise.reject(new Error('unreachable')) }, alerts);
    await expect(
      down.apply({ vehicleIds: ['v1'], message: 'hi' }, { decisionId: 'd6', now: new Date() }),
    ).rejects.toThrow('unreachable');
  });
});

describe('reportClientError through the schema', () => {
  let a: TestAgents;
  afterEach(async () => a?.stop());

  it('limits per caller and stores nothing refused', async () => {
    a = await startAgents(database.db, { clientErrorsPerMinute: 3 });
    await a.reportErrors(3, 'f'.repeat(24));
    const refused = await a.run(
      'mutation { reportClientError(input: { message: "again" }) }',
      {},
      { kind: 'user', userId: 'f'.repeat(24), roles: ['CUSTOMER'] },
    );
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    await a.reportErrors(3, 'a'.repeat(24)); // another caller is not affected
    expect(await database.db.collection('client_errors').countDocuments({})).toBe(6);
  });
});
