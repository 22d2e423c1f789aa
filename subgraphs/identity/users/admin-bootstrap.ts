import type { Logger } from '../../../platform/logger.js';
import { AuditEventType } from '../audit/audit-event.type.js';
import type { AuditStore } from '../audit/audit.store.js';
import { emailSchema, parseInput } from '../auth/credentials.js';
import { EmailTakenError, type UserStore } from './user.store.js';

export interface AdminSeed {
  email?: string;
  password?: string;
  hash(password: string): Promise<string>;
}

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when there is no admin yet. */
export async function ensureAdmin(users: UserStore, audit: AuditStore, seed: AdminSeed, logger: Logger): Promise<void> {
  if ((await users.countWithRole('ADMIN')) > 0) return;
  if (!seed.email || !seed.password) {
    logger.warn('no admin account exists and ADMIN_EMAIL / ADMIN_PASSWORD are not set');
    return;
  }
  const email = parseInput(emailSchema, seed.email);
  try {
    const admin = await users.insert({
      email,
      name: 'Administrator',
      roles: ['ADMIN'],
      passwordHash: await seed.hash(seed.password),
    });
    await audit.record({ type: AuditEventType.ADMIN_BOOTSTRAPPED, userId: admin._id.toHexString() });
    logger.info({ email }, 'admin account created');
  } catch (error) {
    // Another instance created it first, or the address belongs to a non-admin account.
    if (!(error instanceof EmailTakenError)) throw error;
    logger.warn({ email }, 'ADMIN_EMAIL belongs to an existing account; no admin created');
  }
}
