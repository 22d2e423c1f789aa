import jwt from 'jsonwebtoken';
import {
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
  AuditLogDocument,
  UsersDocument,
} from './generated/graphql.js';
import { errorCodes, postJson } from './client.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(() => t.stop());

const register = (email: string, password = 'correct-horse-battery', name = 'Dana Driver') =>
  t.request(RegisterDocument, { input: { email, password, name } });

describe('identity through the gateway', () => {
  it('registers, logs in and answers me', async () => {
    const registered = await register('Dana@Example.com');
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.register.user).toMatchObject({
      email: 'dana@example.com',
      name: 'Dana Driver',
      roles: ['CUSTOMER'],
    });

    const login = await t.request(LoginDocument, { email: 'dana@example.com', password: 'correct-horse-battery' });
    expect(login.errors).toBeUndefined();
    const me = await t.request(MeDocument, {}, { token: login.data!.login.accessToken });
    expect(me.data!.me).toEqual(registered.data!.register.user);

    const anonymous = await t.request(MeDocument, {});
    expect(anonymous.data!.me).toBeNull();
  });

  it('rotates the refresh token, and reuse of a spent one revokes the whole family', async () => {
    const { data } = await register('rotate@example.com');
    const first = data!.register.refreshToken;
    const rotated = await t.request(RefreshTokenDocument, { refreshToken: first });
    expect(rotated.errors).toBeUndefined();
    const second = rotated.data!.refreshToken.refreshToken;
    expect(second).not.toEqual(first);

    const reuse = await t.request(RefreshTokenDocument, { refreshToken: first });
    expect(errorCodes(reuse)).toEqual(['UNAUTHENTICATED']);
    expect(reuse.data).toBeNull();
    // The legitimate newer token died with its family.
    const afterReuse = await t.request(RefreshTokenDocument, { refreshToken: second });
    expect(errorCodes(afterReuse)).toEqual(['UNAUTHENTICATED']);

    const admin = await t.request(LoginDocument, ADMIN);
    const audit = await t.request(
      AuditLogDocument,
      { type: 'REFRESH_TOKEN_REUSED', userId: data!.register.user.id },
      { token: admin.data!.login.accessToken },
    );
    expect(audit.data!.auditLog.totalCount).toBe(1);
  });

  it('logout revokes the session', async () => {
    const { data } = await register('logout@example.com');
    expect((await t.request(LogoutDocument, { refreshToken: data!.register.refreshToken })).data).toEqual({
      logout: true,
    });
    const refresh = await t.request(RefreshTokenDocument, { refreshToken: data!.register.refreshToken });
    expect(errorCodes(refresh)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers a wrong password and an unknown email with the same error', async () => {
    await register('victim@example.com');
    const wrong = await t.request(LoginDocument, { email: 'victim@example.com', password: 'not-the-password' });
    const unknown = await t.request(LoginDocument, { email: 'nobody@example.com', password: 'not-the-password' });
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors).toEqual(unknown.errors);
    expect(wrong.data).toBeNull();
  });

  it('locks an email out after repeated failures, even for the right password', async () => {
    await register('brute@example.com');
    for (let i = 0; i < 5; i++) {
      expect(
        errorCodes(await t.request(LoginDocument, { email: 'brute@example.com', password: `guess-number-${i}` })),
      ).toEqual(['UNAUTHENTICATED']);
    }
    const locked = await t.request(LoginDocument, { email: 'brute@example.com', password: 'correct-horse-battery' });
    expect(errorCodes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(locked.data).toBeNull();
  });

  it('refuses a duplicate or malformed email, and a short password, storing nothing', async () => {
    await register('taken@example.com');
    expect(errorCodes(await register('TAKEN@example.com'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await register('not-an-email'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await register('short@example.com', 'short'))).toEqual(['BAD_USER_INPUT']);
    const users = t.system.deps.mongo.db('identity').collection('users');
    expect(await users.countDocuments({ email: { $in: ['not-an-email', 'short@example.com'] } })).toBe(0);
    expect(await users.countDocuments({ email: 'taken@example.com' })).toBe(1);
  });

  it('refuses operator injection through variables', async () => {
    const response = await postJson(t.url, {
      query:
        'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { email } } }',
      variables: { email: { $ne: null }, password: { $ne: null } },
    });
    expect(errorCodes(response)).toContain('BAD_USER_INPUT');
    expect(response.data ?? null).toBeNull();
    expect(JSON.stringify(response)).not.toContain('@');
  });
});

describe('tokens the gateway refuses', () => {
  const me = '{ me { id } }';

  it('refuses a token signed with another secret, alg none and an expired one with UNAUTHENTICATED', async () => {
    const { data } = await register('tokens@example.com');
    const userId = data!.register.user.id;
    const forged = jwt.sign({ roles: ['ADMIN'], typ: 'access' }, 'x'.repeat(40), {
      subject: userId,
      issuer: 'clutch',
      expiresIn: 60,
    });
    const payload = Buffer.from(
      JSON.stringify({
        sub: userId,
        roles: ['ADMIN'],
        typ: 'access',
        iss: 'clutch',
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const expired = jwt.sign(
      { roles: ['CUSTOMER'], typ: 'access', exp: Math.floor(Date.now() / 1000) - 5 },
      t.config.JWT_SECRET,
      { subject: userId, issuer: 'clutch' },
    );
    for (const token of [forged, none, expired]) {
      const response = await postJson(t.url, { query: me }, { token });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(response.data ?? null).toBeNull();
    }
  });
});

describe('authorization', () => {
  it('gives a customer FORBIDDEN on admin-only fields and leaks nothing', async () => {
    const { data } = await register('curious@example.com');
    const token = data!.register.accessToken;
    const audit = await t.request(AuditLogDocument, {}, { token });
    expect(errorCodes(audit)).toEqual(['FORBIDDEN']);
    expect(audit.data).toBeNull();
    const users = await t.request(UsersDocument, {}, { token });
    expect(errorCodes(users)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(users)).not.toContain('admin@clutch.test');
  });

  it('asks an anonymous caller to sign in on protected fields', async () => {
    expect(errorCodes(await t.request(AuditLogDocument, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('lets an admin page through the audit log', async () => {
    const admin = await t.request(LoginDocument, ADMIN);
    const token = admin.data!.login.accessToken;
    const page1 = await t.request(AuditLogDocument, { first: 2 }, { token });
    expect(page1.data!.auditLog.edges).toHaveLength(2);
    expect(page1.data!.auditLog.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.request(
      AuditLogDocument,
      { first: 2, after: page1.data!.auditLog.pageInfo.endCursor },
      { token },
    );
    const ids = [...page1.data!.auditLog.edges, ...page2.data!.auditLog.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(4);
    expect(errorCodes(await t.request(AuditLogDocument, { first: 1000 }, { token }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.request(AuditLogDocument, { after: 'not-a-cursor' }, { token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('refuses a direct call to a subgraph without the internal secret', async () => {
    const identity = t.system.subgraphs.find((s) => s.name === 'identity')!;
    const response = await postJson(
      identity.url,
      { query: '{ users { totalCount } }' },
      {
        headers: {
          'x-clutch-viewer': Buffer.from(JSON.stringify({ kind: 'user', userId: 'x', roles: ['ADMIN'] })).toString(
            'base64url',
          ),
        },
      },
    );
    expect(response.status).toBe(403);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.data ?? null).toBeNull();
  });
});
