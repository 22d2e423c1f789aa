import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { AuditEventType } from '../audit/audit-event.type.js';
import type { AuditStore } from '../audit/audit.store.js';
import { emailSchema } from '../auth/credentials.js';
import type { FleetProvisionedAudit, ProvisionAccountsRequest, ProvisionAccountsResponse } from '../contract.js';
import type { UserDocument, UserStore } from './user.store.js';

/**
 * The password hash of an account created by fleet provisioning: not a bcrypt hash, so no
 * password matches it. Sign-in treats it as an unknown account (same cost, same answer); the
 * owner gets a password through an invitation later.
 */
export const NO_PASSWORD = '!provisioned';

export const hasPassword = (user: Pick<UserDocument, 'passwordHash'>) => user.passwordHash !== NO_PASSWORD;

const accountSchema = z.object({
  email: emailSchema,
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(100, 'name is too long')
    .regex(/^[^\p{Cc}]*$/u, 'name must not contain control characters'),
});

export class InvalidAccountsError extends Error {}

export interface ProvisionedAccount {
  email: string;
  userId: string | null;
  created: boolean;
}

/**
 * Accounts for `provisionFleet` (vehicles calls in through the internal route): customers
 * without a password, created in bulk and idempotently by email. An email that has an account
 * already answers that account, whatever its roles; nothing about it changes.
 */
export class AccountProvisioning {
  constructor(
    private readonly users: UserStore,
    private readonly audit: AuditStore,
  ) {}

  async handle(request: ProvisionAccountsRequest): Promise<ProvisionAccountsResponse> {
    const wanted = request.accounts.map((account, i) => {
      const parsed = accountSchema.safeParse(account);
      if (!parsed.success) throw new InvalidAccountsError(`accounts.${i}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
    if (new Set(wanted.map((a) => a.email)).size !== wanted.length) {
      throw new InvalidAccountsError('an email appears twice');
    }
    const accounts =
      request.mode === 'lookup' ? await this.lookup(wanted.map((a) => a.email)) : await this.ensure(wanted, request);
    return { accounts };
  }

  async recordFleet(entry: FleetProvisionedAudit): Promise<void> {
    await this.audit.record({ type: AuditEventType.FLEET_PROVISIONED, ...withoutNulls(entry) });
  }

  private async lookup(emails: string[]): Promise<ProvisionedAccount[]> {
    const found = new Map((await this.users.findByEmails(emails)).map((u) => [u.email, u._id.toHexString()]));
    return emails.map((email) => ({ email, userId: found.get(email) ?? null, created: false }));
  }

  private async ensure(
    wanted: { email: string; name: string }[],
    origin: ProvisionAccountsRequest,
  ): Promise<ProvisionedAccount[]> {
    const existing = new Map((await this.users.findByEmails(wanted.map((a) => a.email))).map((u) => [u.email, u]));
    const now = new Date();
    const fresh: UserDocument[] = wanted
      .filter((a) => !existing.has(a.email))
      .map((a) => ({
        _id: new ObjectId(),
        email: a.email,
        name: a.name,
        roles: ['CUSTOMER'],
        passwordHash: NO_PASSWORD,
        createdAt: now,
      }));
    // An email taken between the read and the insert (a concurrent call) is that call's account.
    const taken = await this.users.insertNew(fresh);
    const created = fresh.filter((doc) => !taken.has(doc.email));
    if (taken.size > 0) {
      for (const doc of await this.users.findByEmails([...taken])) existing.set(doc.email, doc);
    }
    await this.audit.recordMany(
      created.map((doc) => ({
        type: AuditEventType.ACCOUNT_PROVISIONED,
        userId: doc._id.toHexString(),
        ...withoutNulls({ actorId: origin.actorId, ip: origin.ip, requestId: origin.requestId }),
      })),
    );
    const byEmail = new Map(created.map((doc) => [doc.email, doc]));
    return wanted.map(({ email }) => {
      const doc = byEmail.get(email) ?? existing.get(email);
      if (!doc) throw new Error(`account ${email} neither created nor found`);
      return { email, userId: doc._id.toHexString(), created: byEmail.has(email) };
    });
  }
}

const withoutNulls = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
