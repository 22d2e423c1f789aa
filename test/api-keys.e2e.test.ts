import {
  ApiKeysDocument,
  AuditLogDocument,
  CreateApiKeyDocument,
  LoginDocument,
  RegisterDocument,
  RevokeApiKeyDocument,
  UsersDocument,
} from './generated/graphql.js';
import { errorCodes, postJson } from './client.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

let t: TestSystem;
let adminToken: string;
beforeAll(async () => {
  // A zero-second cache would be refused by config; one second keeps revocation prompt here.
  t = await startTestSystem({ API_KEY_CACHE_SECONDS: '1' });
  adminToken = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
});
afterAll(() => t.stop());

const createKey = (scopes: ('AUDIT_READ' | 'USERS_READ')[], token = adminToken) =>
  t.request(CreateApiKeyDocument, { input: { name: 'Fleet partner', scopes } }, { token });

describe('B2B API keys', () => {
  it('are created by admins, shown once, stored hashed, and work in place of a JWT within their scopes', async () => {
    const created = await createKey(['AUDIT_READ']);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).toMatch(/^ck_[0-9a-f]{24}_/);
    expect(apiKey).toMatchObject({ name: 'Fleet partner', scopes: ['AUDIT_READ'], revokedAt: null });
    expect(key.startsWith(apiKey.prefix)).toBe(true);

    const stored = await t.system.deps.mongo.db('identity').collection('api_keys').findOne({});
    // The whole secret (base64url, so it may hold '_' itself): a split on '_' could give a fragment, or ''.
    const secret = /^ck_[0-9a-f]{24}_([A-Za-z0-9_-]{43})$/.exec(key)?.[1];
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const audit = await t.request(AuditLogDocument, { first: 5 }, { apiKey: key });
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditLog.totalCount).toBeGreaterThan(0);

    const outOfScope = await t.request(UsersDocument, {}, { apiKey: key });
    expect(errorCodes(outOfScope)).toEqual(['FORBIDDEN']);
    expect(outOfScope.data).toBeNull();
  });

  it('stop working once revoked', async () => {
    const { key, apiKey } = (await createKey(['USERS_READ'])).data!.createApiKey;
    expect((await t.request(UsersDocument, {}, { apiKey: key })).errors).toBeUndefined();
    const revoked = await t.request(RevokeApiKeyDocument, { id: apiKey.id }, { token: adminToken });
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1100));
    const after = await t.request(UsersDocument, {}, { apiKey: key });
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
    const listed = await t.request(ApiKeysDocument, { includeRevoked: false }, { token: adminToken });
    expect(listed.data!.apiKeys.edges.map((e) => e.node.id)).not.toContain(apiKey.id);
  });

  it('refuses a made-up key with UNAUTHENTICATED', async () => {
    const response = await postJson(
      t.url,
      { query: '{ me { id } }' },
      { apiKey: `ck_${'0'.repeat(24)}_${'A'.repeat(43)}` },
    );
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('cannot be managed by customers or by API keys, and bad input stores nothing', async () => {
    const customer = (
      await t.request(RegisterDocument, {
        input: { email: 'keys@example.com', password: 'a-long-password', name: 'K' },
      })
    ).data!.register.accessToken;
    const before = await t.system.deps.mongo.db('identity').collection('api_keys').countDocuments();
    expect(errorCodes(await createKey(['AUDIT_READ'], customer))).toEqual(['FORBIDDEN']);
    const { key } = (await createKey(['AUDIT_READ'])).data!.createApiKey;
    const viaKey = await t.request(
      CreateApiKeyDocument,
      { input: { name: 'escalate', scopes: ['USERS_READ'] } },
      { apiKey: key },
    );
    expect(errorCodes(viaKey)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await createKey([]))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.request(RevokeApiKeyDocument, { id: 'nope' }, { token: adminToken }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(await t.system.deps.mongo.db('identity').collection('api_keys').countDocuments()).toBe(before + 1);
  });
});
