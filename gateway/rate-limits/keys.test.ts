import { buildSchema, getOperationAST, parse } from 'graphql';
import { callerKey, ipKey, keyFor, rootFields } from './keys.js';
import { DEFAULT_RATE_LIMIT_OPTIONS, rateLimitRules } from './rules.js';

const [auth, , api] = rateLimitRules(DEFAULT_RATE_LIMIT_OPTIONS);
const user = { kind: 'user', userId: 'u1', roles: ['CUSTOMER'] } as const;

describe('caller keys', () => {
  it('are the user, the API key or the device, whichever signed the request', () => {
    expect(callerKey({ ...user, roles: [...user.roles] }, '10.0.0.1')).toEqual({ kind: 'user', id: 'u1' });
    expect(callerKey({ kind: 'apiKey', keyId: 'k1', ownerId: 'u2', scopes: [] }, '10.0.0.1')).toEqual({
      kind: 'apiKey',
      id: 'k1',
    });
    expect(callerKey({ kind: 'device', deviceId: 'd1', vehicleId: 'v1' }, '10.0.0.1')).toEqual({
      kind: 'device',
      id: 'd1',
    });
  });

  it('are the client IP for anonymous callers', () => {
    expect(callerKey(undefined, '10.0.0.1')).toEqual({ kind: 'ip', id: '10.0.0.1' });
    expect(callerKey(undefined, undefined)).toEqual({ kind: 'ip', id: 'unknown' });
  });

  it('are always the client IP for sign-in, even with a token', () => {
    expect(keyFor(auth!, { ...user, roles: [] }, '10.0.0.1')).toEqual({ kind: 'ip', id: '10.0.0.1' });
    expect(keyFor(api!, { ...user, roles: [] }, '10.0.0.1')).toEqual({ kind: 'user', id: 'u1' });
  });

  it('count an IPv4-mapped address as its IPv4, and IPv6 addresses by their /64', () => {
    expect(ipKey('::ffff:192.0.2.7').id).toBe('192.0.2.7');
    expect(ipKey('2001:db8:0:1:aaaa::1').id).toBe('2001:db8:0:1::/64');
    expect(ipKey('2001:0db8:0000:0001:ffff:1:2:3').id).toBe('2001:db8:0:1::/64');
    expect(ipKey('2001:db8::1').id).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1').id).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0').id).toBe('fe80:0:0:0::/64');
  });
});

describe('root fields', () => {
  const schema = buildSchema(`
    type Query { me: String }
    type Mutation { login(email: String): String register: String }
    type Subscription { ticks: Int }
  `);
  const fieldsOf = (source: string, name?: string) => {
    const document = parse(source);
    return rootFields(schema, document, getOperationAST(document, name) ?? undefined);
  };

  it('name the operation type and the field, not its alias, once per call', () => {
    expect(fieldsOf('{ me }')).toEqual(['Query.me']);
    expect(fieldsOf('mutation { a: login(email: "x") b: login(email: "y") register }')).toEqual([
      'Mutation.login',
      'Mutation.login',
      'Mutation.register',
    ]);
    expect(fieldsOf('subscription { ticks }')).toEqual(['Subscription.ticks']);
  });

  it('look through fragments and inline fragments, so a sign-in cannot hide in one', () => {
    const source = `
      mutation Hidden { ...Outer }
      fragment Outer on Mutation { ... on Mutation { ...Inner } }
      fragment Inner on Mutation { login(email: "x") @skip(if: true) }
      query Other { me }`;
    expect(fieldsOf(source, 'Hidden')).toEqual(['Mutation.login']);
    expect(fieldsOf(source, 'Other')).toEqual(['Query.me']);
  });

  it('name introspection fields as they are and are empty when no operation was resolved', () => {
    expect(fieldsOf('{ __schema { queryType { name } } __typename }')).toEqual(['Query.__schema', 'Query.__typename']);
    expect(fieldsOf('query A { me } query B { me }')).toEqual([]);
  });
});
