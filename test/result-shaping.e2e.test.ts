import { originalComputeResponse, resultShapingStats } from '../gateway/result-shaping.js';
import { postJson } from './client.js';
import { RegisterDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';

// The gateway shapes its responses with gateway/result-shaping.ts (installed by startGateway in place of
// @apollo/gateway's computeResponse), and the answers are what the operation asks for.

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(() => t.stop());

const QUERY = `query Shaped($roles: Boolean!, $skipName: Boolean = true) {
  __typename
  me {
    kind: __typename
    id
    mail: email
    name @skip(if: $skipName)
    ... on User @include(if: $roles) { roles }
  }
}`;

it('answers through the compiled result shaping, never handing a response to Apollo', async () => {
  const { data } = await t.request(RegisterDocument, {
    input: { email: 'shaping@example.com', password: 'correct-horse-battery', name: 'Sam Shaper' },
  });
  const token = data!.register.accessToken as string;
  const before = { ...resultShapingStats };

  const withRoles = await postJson(t.url, { query: QUERY, variables: { roles: true } }, { token });
  const withName = await postJson(t.url, { query: QUERY, variables: { roles: false, skipName: false } }, { token });

  expect(withRoles.errors).toBeUndefined();
  expect(withRoles.data).toEqual({
    __typename: 'Query',
    me: { kind: 'User', id: data!.register.user.id, mail: 'shaping@example.com', roles: ['CUSTOMER'] },
  });
  expect(withName.errors).toBeUndefined();
  expect(withName.data).toEqual({
    __typename: 'Query',
    me: { kind: 'User', id: data!.register.user.id, mail: 'shaping@example.com', name: 'Sam Shaper' },
  });
  expect(resultShapingStats.fast).toBeGreaterThanOrEqual(before.fast + 2);
  expect(resultShapingStats.fallbacks).toBe(before.fallbacks);
  expect(require('@apollo/gateway/dist/resultShaping.js').computeResponse).not.toBe(originalComputeResponse);
});
