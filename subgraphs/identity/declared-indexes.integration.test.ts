import { ObjectId } from 'mongodb';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../test/indexed-queries.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { ApiKeyStore } from './api-keys/api-key.store.js';
import { ApiScope } from './api-keys/api-key.type.js';
import { AuditEventType } from './audit/audit-event.type.js';
import { AuditStore } from './audit/audit.store.js';
import { RefreshTokenStore } from './auth/refresh-token.store.js';
import { IDENTITY_INDEXES } from './declared-indexes.js';
import { UserStore } from './users/user.store.js';

/** Identity's lists (users, auditLog, apiKeys) and token queries, each through a declared index. */
const db = useScratchDatabase('identity_indexes', { monitorCommands: true });
const recorder = recordQueries(db);
let users: UserStore;
let audit: AuditStore;
let keys: ApiKeyStore;
let tokens: RefreshTokenStore;

beforeAll(async () => {
  users = new UserStore(db());
  audit = new AuditStore(db());
  keys = new ApiKeyStore(db());
  tokens = new RefreshTokenStore(db());
  await Promise.all([users.init(), audit.init(), keys.init(), tokens.init()]);
});

describe('identity lists', () => {
  it('pages users newest first, finds them by email, and counts them by role', async () => {
    for (const n of [1, 2, 3]) {
      await users.insert({ email: `u${n}@example.com`, name: `U${n}`, roles: ['CUSTOMER'], passwordHash: 'x' });
    }
    const page = await users.list({ first: 2 });
    expect(page.edges.map((e) => e.node.name)).toEqual(['U3', 'U2']);
    expect(await page.totalCount).toBe(3);
    expect((await users.list({ first: 2, after: page.pageInfo.endCursor! })).edges.map((e) => e.node.name)).toEqual([
      'U1',
    ]);
    expect((await users.findByEmail('u2@example.com'))?.name).toBe('U2');
    expect(await users.countWithRole('CUSTOMER')).toBe(3);
  });

  it('pages the audit log by type, by user, or both, newest first', async () => {
    const [ann, bob] = ['a'.repeat(24), 'b'.repeat(24)];
    await audit.record({ type: AuditEventType.LOGIN_FAILED, userId: ann });
    await audit.record({ type: AuditEventType.LOGIN_SUCCEEDED, userId: ann });
    await audit.record({ type: AuditEventType.LOGIN_FAILED, userId: bob });
    const types = async (query: Parameters<AuditStore['list']>[0]) => {
      const page = await audit.list(query, { first: 10 });
      expect(await page.totalCount).toBe(page.edges.length);
      return page.edges.map((e) => [e.node.type, e.node.userId]);
    };
    expect(await types({ type: AuditEventType.LOGIN_FAILED })).toEqual([
      ['LOGIN_FAILED', bob],
      ['LOGIN_FAILED', ann],
    ]);
    expect(await types({ userId: ann })).toEqual([
      ['LOGIN_SUCCEEDED', ann],
      ['LOGIN_FAILED', ann],
    ]);
    expect(await types({ userId: ann, type: AuditEventType.LOGIN_FAILED })).toEqual([['LOGIN_FAILED', ann]]);
    expect(await types({})).toHaveLength(3);
  });

  it('finds accounts by a batch of emails and adds the new ones of a batch (fleet provisioning)', async () => {
    await users.insert({ email: 'fleet1@example.com', name: 'F1', roles: ['CUSTOMER'], passwordHash: 'x' });
    const fresh = (email: string) => ({
      _id: new ObjectId(),
      email,
      name: email,
      roles: ['CUSTOMER' as const],
      passwordHash: 'x',
      createdAt: new Date(),
    });
    const taken = await users.insertNew([fresh('fleet1@example.com'), fresh('fleet2@example.com')]);
    expect(taken).toEqual(new Set(['fleet1@example.com']));
    const found = await users.findByEmails(['fleet1@example.com', 'fleet2@example.com', 'nobody@example.com']);
    expect(found.map((u) => u.email).sort()).toEqual(['fleet1@example.com', 'fleet2@example.com']);
    await audit.recordMany([{ type: AuditEventType.ACCOUNT_PROVISIONED, userId: found[0]!._id.toHexString() }]);
  });

  it('pages API keys, live ones or all', async () => {
    const key = (name: string) => ({
      _id: new ObjectId(),
      name,
      prefix: name,
      secretHash: 'x',
      scopes: [ApiScope.AUDIT_READ],
      createdBy: 'admin',
      createdAt: new Date(),
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    const [k1, k2] = [key('k1'), key('k2')];
    await keys.insert(k1);
    await keys.insert(k2);
    await keys.revoke(k1._id, new Date());
    expect((await keys.list(false, { first: 10 })).edges.map((e) => e.node.name)).toEqual(['k2']);
    expect((await keys.list(true, { first: 10 })).edges.map((e) => e.node.name)).toEqual(['k2', 'k1']);
  });

  it('revokes a refresh-token family, lists families revoked lately, and deletes expired tokens', async () => {
    const now = new Date();
    const token = (familyId: ObjectId, expiresAt: Date) => ({
      _id: new ObjectId(),
      familyId,
      userId: 'u',
      secretHash: 'x',
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    const family = new ObjectId();
    const live = token(family, new Date(now.getTime() + 60_000));
    await tokens.insert(live);
    await tokens.insert(token(new ObjectId(), new Date(now.getTime() - 60_000)));
    expect((await tokens.claim(live._id, now))?.usedAt).toEqual(now);
    await tokens.revokeFamily(family, now);
    const revoked = await tokens.familiesRevokedSince(new Date(now.getTime() - 1000), 10);
    expect(revoked.families.map((f) => f.familyId)).toEqual([family]);
    expect(await tokens.deleteExpiredBefore(now)).toBe(1);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => IDENTITY_INDEXES);
