import { randomBytes } from 'node:crypto';
import { signAccessToken } from '../platform/auth/jwt.js';
import type { Role } from '../platform/auth/viewer.js';
import {
  AutonomousStatusDocument,
  LoginDocument,
  ReportClientErrorDocument,
  type DecisionFieldsFragment,
} from './generated/graphql.js';
import { ADMIN, type TestSystem } from './harness.js';

/* Helpers of the agents end-to-end tests. */

export async function adminToken(t: TestSystem): Promise<string> {
  const { data, errors } = await t.request(LoginDocument, ADMIN);
  if (errors) throw new Error(JSON.stringify(errors));
  return data!.login.accessToken;
}

/** Staff accounts are made by admins elsewhere; a token signed with the system's secret stands for one. */
export const tokenWithRoles = (t: TestSystem, roles: Role[]) =>
  signAccessToken(t.config.JWT_SECRET, randomBytes(12).toString('hex'), roles, 600);

/** `n` reports at once from one anonymous caller; resolves with each answer (true or an error code). */
export async function reportErrors(t: TestSystem, n: number, token?: string): Promise<Array<boolean | string>> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      t.request(
        ReportClientErrorDocument,
        { input: { message: `TypeError: x is undefined (${i})`, url: 'https://app.clutch.test/garage' } },
        { token },
      ),
    ),
  );
  return results.map((r) => r.data?.reportClientError ?? String(r.errors?.[0]?.extensions?.code));
}

export const agentsDb = (t: TestSystem) => t.system.deps.mongo.db('agents');

/**
 * Whether the action's effect is really in force or recorded: a raised log level or a changed
 * limit shows in autonomousStatus, an incident in its collection.
 */
export async function effectVisible(
  t: TestSystem,
  token: string,
  decision: Pick<DecisionFieldsFragment, 'id' | 'action'>,
): Promise<boolean> {
  const status = (await t.request(AutonomousStatusDocument, {}, { token })).data!.autonomousStatus;
  const mine = status.activeEffects.filter((e) => e.decisionId === decision.id);
  switch (decision.action) {
    case 'raise_log_level':
      return mine.some((e) => e.kind === 'log_level') && status.logLevel === 'debug';
    case 'tighten_rate_limits':
      return mine.some((e) => e.kind === 'rate_limit' && e.target === 'client_errors' && Number(e.value) < 1);
    case 'open_incident':
      return (await agentsDb(t).collection('incidents').countDocuments({ decisionId: decision.id })) === 1;
    default:
      return false;
  }
}
