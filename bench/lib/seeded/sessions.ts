import { RefreshTokenStore } from '../../../subgraphs/identity/auth/refresh-token.store.js';
import { SessionRevocations } from '../../../subgraphs/identity/auth/session-revocations.js';
import { TokenService } from '../../../subgraphs/identity/auth/token.service.js';
import { UserStore, type UserDocument } from '../../../subgraphs/identity/users/user.store.js';
import type { BenchSystem } from '../bench-system.js';

/*
 * Sessions for seeded accounts. Provisioned customers have no password (they are meant to
 * claim their account), so they cannot log in; the benchmark, which runs the system in its
 * own process with the system's secrets, opens their sessions through identity's own
 * TokenService, exactly what a successful login does after checking the password: a stored
 * refresh token family and an access token carrying it. Nothing is added to the API.
 */

export interface SeededSession {
  userId: string;
  email: string;
  roles: string[];
  accessToken: string;
}

/** One session per account of `emails` (in that order); an email with no account stops the run. */
export async function openSessions(bench: BenchSystem, emails: readonly string[]): Promise<SeededSession[]> {
  const { config, system } = bench;
  if (!config.JWT_SECRET) throw new Error('the bench system has no JWT_SECRET');
  const db = system.deps.mongo.db('identity');
  const store = new RefreshTokenStore(db);
  const tokens = new TokenService(
    store,
    {
      jwtSecret: config.JWT_SECRET,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    },
    new SessionRevocations(system.deps.bus, store, config.ACCESS_TOKEN_TTL_SECONDS, system.deps.logger),
  );
  const users = db.collection<UserDocument>(UserStore.collection);
  const byEmail = new Map<string, UserDocument>();
  for (let i = 0; i < emails.length; i += 500) {
    const batch = emails.slice(i, i + 500);
    for (const user of await users.find({ email: { $in: batch } }).toArray()) byEmail.set(user.email, user);
  }
  const sessions: SeededSession[] = [];
  for (const email of emails) {
    const user = byEmail.get(email);
    if (!user) throw new Error(`no account for ${email}: is the data set seeded?`);
    const { accessToken } = await tokens.issue(user);
    sessions.push({ userId: user._id.toHexString(), email, roles: user.roles, accessToken });
  }
  return sessions;
}
