import { capturedLogger } from './captured-logger.js';
import { errorCodes, postJson } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { liveClient, operationErrors, registerDriver, vehicleWithDevice } from './live.js';

const INGEST_FRAMES_AT = `mutation ($v: ID!, $t: DateTime) {
  ingestObdFrames(vehicleId: $v, frames: ["41 0C 1A F8"], recordedAt: $t) { accepted readingsStored }
}`;
const INGEST_READINGS = `mutation ($r: [ReadingInput!]!) {
  ingestReadings(vehicleId: "v", readings: $r) { accepted }
}`;
const readingsWith = (value: string) =>
  `mutation { ingestReadings(vehicleId: "v", readings: [{ pid: "0C", value: ${value} }]) { accepted } }`;
const HUGE_INTEGER = `1${'0'.repeat(400)}`;

/**
 * Values a scalar cannot represent are the client's mistake: refused with a 4xx and a client
 * error code before anything is planned or sent to a subgraph, and not logged as a failure.
 */
describe('bad scalar values', () => {
  const { lines, logger } = capturedLogger('info');
  let t: TestSystem;
  let customer: string;
  beforeAll(async () => {
    t = await startTestSystem({}, { logger });
    customer = (await registerDriver(t, 'scalars@example.com')).token;
  });
  afterAll(() => t.stop());

  /** Runs `act` and returns what it logged at error level or above, or with a stack. */
  async function problemsLoggedBy(act: () => Promise<void>): Promise<string[]> {
    const before = lines.length;
    await act();
    await new Promise((r) => setTimeout(r, 50));
    return lines.slice(before).filter((line) => JSON.parse(line).level >= 50 || line.includes('"stack"'));
  }

  const anonymous: [string, string | object, number, string][] = [
    [
      'an invalid DateTime variable',
      { query: INGEST_FRAMES_AT, variables: { v: 'v', t: 'yesterday' } },
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a DateTime variable that is not a string',
      { query: INGEST_FRAMES_AT, variables: { v: 'v', t: true } },
      400,
      'BAD_USER_INPUT',
    ],
    [
      'an invalid DateTime inside an input variable',
      {
        query: 'query ($f: DecisionFilter) { decisions(filter: $f) { totalCount } }',
        variables: { f: { from: '2024-13-45' } },
      },
      400,
      'BAD_USER_INPUT',
    ],
    [
      'an invalid DateTime literal',
      {
        query:
          'mutation { ingestObdFrames(vehicleId: "v", frames: ["41 0C 1A F8"], recordedAt: "garbage") { accepted } }',
      },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['a Float literal of 1e999', { query: readingsWith('1e999') }, 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['a Float literal of -1e999', { query: readingsWith('-1e999') }, 400, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'an integer literal beyond a double, as a Float',
      { query: readingsWith(HUGE_INTEGER) },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a Float variable default of 1e999',
      {
        query:
          'mutation ($x: Float! = 1e999) { ingestReadings(vehicleId: "v", readings: [{ pid: "0C", value: $x }]) { accepted } }',
      },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    // JSON.parse reads 1e999 as Infinity, which graphql-js refuses as a Float.
    [
      'a Float variable of 1e999',
      `{"query": ${JSON.stringify(INGEST_READINGS)}, "variables": {"r": [{"pid": "0C", "value": 1e999}]}}`,
      400,
      'BAD_USER_INPUT',
    ],
  ];

  it.each(anonymous)(
    'refuses %s over HTTP, anonymously, with a 4xx and a client code',
    async (_what, body, status, code) => {
      let response: Awaited<ReturnType<typeof postJson>> | undefined;
      const logged = await problemsLoggedBy(async () => {
        response = await postJson(t.url, body);
      });
      expect(response!.status).toBe(status);
      expect(errorCodes(response!)).toEqual([code]);
      expect(response!.data ?? null).toBeNull();
      expect(logged).toEqual([]);
    },
  );

  it('refuses the same values over WebSocket with the same codes, without logging a failure', async () => {
    const client = liveClient(t.url, customer);
    try {
      const cases: [string, Record<string, unknown>, string][] = [
        [INGEST_FRAMES_AT, { v: 'v', t: 'yesterday' }, 'BAD_USER_INPUT'],
        [
          'query ($f: DecisionFilter) { decisions(filter: $f) { totalCount } }',
          { f: { to: 'soon' } },
          'BAD_USER_INPUT',
        ],
        [
          'mutation { ingestObdFrames(vehicleId: "v", frames: ["41 0C 1A F8"], recordedAt: "garbage") { accepted } }',
          {},
          'GRAPHQL_VALIDATION_FAILED',
        ],
        [readingsWith('1e999'), {}, 'GRAPHQL_VALIDATION_FAILED'],
        [readingsWith(HUGE_INTEGER), {}, 'GRAPHQL_VALIDATION_FAILED'],
      ];
      for (const [query, variables, code] of cases) {
        let errors: Awaited<ReturnType<typeof operationErrors>> = [];
        const logged = await problemsLoggedBy(async () => {
          errors = await operationErrors(client, query, variables);
        });
        expect({ query, codes: errors.map((e) => e.extensions?.code) }).toEqual({ query, codes: [code] });
        expect(logged).toEqual([]);
      }
    } finally {
      await client.dispose();
    }
  });

  it('still takes a valid DateTime and Float, as the subgraph reads them', async () => {
    const driver = await registerDriver(t, 'scalars-valid@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, driver, '1HGCM82633A004352');
    const at = await postJson(
      t.url,
      { query: INGEST_FRAMES_AT, variables: { v: vehicleId, t: new Date(Date.now() - 60_000).toISOString() } },
      { token: deviceToken },
    );
    expect(at.errors).toBeUndefined();
    expect(at.data.ingestObdFrames).toEqual({ accepted: 1, readingsStored: 1 });
    const literal = await postJson(
      t.url,
      {
        query: `mutation ($v: ID!, $at: DateTime) { ingestReadings(vehicleId: $v, readings: [{ pid: "0C", value: 1.5e3, recordedAt: $at }]) { accepted } }`,
        variables: { v: vehicleId, at: new Date(Date.now() - 30_000).toISOString() },
      },
      { token: deviceToken },
    );
    expect(literal.errors).toBeUndefined();
    expect(literal.data.ingestReadings).toEqual({ accepted: 1 });
  });
});
