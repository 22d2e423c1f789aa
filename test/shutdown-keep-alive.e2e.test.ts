import { print } from 'graphql';
import { MongoClient } from 'mongodb';
import { LoginDocument, RegisterDocument } from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { RawHttpConnection } from './raw-http.js';

// bcrypt at 14 rounds keeps a login busy for about a second: long enough to still be in flight
// when the stop begins and the late request arrives behind it.
let t: TestSystem;
let stopped = false;

beforeAll(async () => {
  t = await startTestSystem({ BCRYPT_ROUNDS: '14' });
});
afterAll(async () => {
  if (!stopped) await t?.stop();
  // The system's own database client is closed with it: clean up through a client of our own.
  const client = await MongoClient.connect(t.config.MONGODB_URI!);
  try {
    const { databases } = await client.db().admin().listDatabases();
    for (const { name } of databases.filter((d) => d.name.startsWith(`${t.config.MONGODB_DB_PREFIX}_`))) {
      await client.db(name).dropDatabase();
    }
  } finally {
    await client.close();
  }
}, 60_000);

describe('stopping (what SIGTERM triggers) with an open keep-alive connection', () => {
  it('finishes the request in flight with 200, refuses the one sent after with 503 Connection: close, stores nothing of it', async () => {
    const connection = await RawHttpConnection.open(t.url);
    const late = { email: 'late-after-sigterm@example.com', password: 'a-long-password', name: 'Late' };
    try {
      connection.post(t.url, { query: print(LoginDocument), variables: ADMIN });
      // Let the gateway read the login and start on it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopping = t.system.stop();
      stopped = true;
      // As in the report: a write about 70 ms after SIGTERM, on the same keep-alive connection.
      await new Promise((resolve) => setTimeout(resolve, 70));
      connection.post(t.url, { query: print(RegisterDocument), variables: { input: late } });

      const inFlight = await connection.response();
      expect(inFlight.status).toBe(200);
      const signedIn = JSON.parse(inFlight.body);
      expect(signedIn.errors).toBeUndefined();
      expect(signedIn.data.login.user.email).toBe(ADMIN.email);

      const refused = await connection.response();
      expect(refused.status).toBe(503);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body)).toEqual({
        errors: [{ message: expect.stringContaining('shutting down'), extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      });
      await connection.closed();
      await stopping;
    } finally {
      connection.destroy();
    }

    // The refused registration never ran.
    const client = await MongoClient.connect(t.config.MONGODB_URI!);
    try {
      const users = client.db(`${t.config.MONGODB_DB_PREFIX}_identity`).collection('users');
      expect(await users.countDocuments({ email: late.email })).toBe(0);
      expect(await users.countDocuments({ email: ADMIN.email })).toBe(1);
    } finally {
      await client.close();
    }
  });
});
