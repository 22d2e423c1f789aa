import { loadConfig } from '../../platform/config/environment.js';
import {
  DEFAULT_RATE_LIMIT_OPTIONS,
  rateLimitOptionsFromConfig,
  rateLimitRules,
  chargesFor,
  type Charge,
} from './rules.js';

const rules = rateLimitRules(DEFAULT_RATE_LIMIT_OPTIONS);
const names = (charges: Charge[]) => charges.map((c) => c.rule.name);

describe('rate limit options', () => {
  it('default to 1200 a minute per caller, 300 per anonymous IP, 30 sign-ins per IP, 1200 ingests per device', () => {
    expect(DEFAULT_RATE_LIMIT_OPTIONS).toEqual({
      enabled: true,
      apiPerMinute: 1200,
      anonymousPerMinute: 300,
      authPerMinute: 30,
      ingestPerMinute: 1200,
    });
    expect(rateLimitOptionsFromConfig(loadConfig({}))).toEqual(DEFAULT_RATE_LIMIT_OPTIONS);
  });

  it('are read from the environment, and RATE_LIMITS_ENABLED=false turns them off', () => {
    const options = rateLimitOptionsFromConfig(
      loadConfig({
        RATE_LIMITS_ENABLED: 'false',
        RATE_LIMIT_AUTH_PER_MINUTE: '5',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '7',
      }),
    );
    expect(options).toMatchObject({ enabled: false, authPerMinute: 5, anonymousPerMinute: 7 });
    expect(() => loadConfig({ RATE_LIMIT_API_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_API_PER_MINUTE/);
  });

  it('become one-minute rules: auth per IP, ingest and api per caller, api lower for anonymous callers', () => {
    expect(rules).toEqual([
      expect.objectContaining({ name: 'auth', keyBy: 'ip', points: 30, windowSeconds: 60 }),
      expect.objectContaining({ name: 'ingest', keyBy: 'caller', points: 1200, windowSeconds: 60 }),
      expect.objectContaining({ name: 'api', keyBy: 'caller', points: 1200, anonymousPoints: 300, windowSeconds: 60 }),
    ]);
  });
});

describe('rules matched by root fields', () => {
  it('charges sign-in mutations to auth and api', () => {
    for (const field of ['Mutation.login', 'Mutation.register', 'Mutation.refreshToken'])
      expect(names(chargesFor(rules, [field]))).toEqual(['auth', 'api']);
  });

  it('charges ingestion to ingest and api', () => {
    for (const field of ['Mutation.ingestObdFrames', 'Mutation.ingestObdRounds', 'Mutation.ingestReadings'])
      expect(names(chargesFor(rules, [field]))).toEqual(['ingest', 'api']);
  });

  it('charges everything else, introspection and subscriptions included, to api only', () => {
    for (const fields of [['Query.me'], ['Query.__schema'], ['Subscription.vehicleTelemetry'], ['Mutation.logout'], []])
      expect(names(chargesFor(rules, fields))).toEqual(['api']);
  });

  it('charges a field rule per call and the api rule per operation', () => {
    const fields = ['Mutation.login', 'Mutation.register', 'Mutation.ingestReadings', 'Mutation.ingestObdFrames'];
    expect(chargesFor(rules, fields).map((c) => [c.rule.name, c.points])).toEqual([
      ['auth', 2],
      ['ingest', 2],
      ['api', 1],
    ]);
    // Fifteen aliased logins in one operation are fifteen sign-in attempts.
    const aliased = Array.from({ length: 15 }, () => 'Mutation.login');
    expect(chargesFor(rules, aliased).map((c) => [c.rule.name, c.points])).toEqual([
      ['auth', 15],
      ['api', 1],
    ]);
  });

  it('matches the field on its type only: a query named like a mutation is not a sign-in', () => {
    expect(names(chargesFor(rules, ['Query.login']))).toEqual(['api']);
  });
});
