import { z } from 'zod';
import { ROLES } from '../../platform/auth/viewer.js';
import { ServiceUnavailableError } from '../../platform/errors.js';
import {
  InternalClient,
  internalRoute,
  withOutage,
  type InternalClientOptions,
} from '../../platform/http/internal-route.js';
import { indexCheckRoute } from '../../platform/ops/index-check.js';

/**
 * Credential revocations identity announces, and the internal route that lists recent ones.
 * Identity parses each payload with its schema before publishing; every gateway parses what
 * it receives, then refuses the credential at once (HTTP 401, WebSocket close 4403) instead
 * of waiting for a cached verdict or an access token to run out.
 */

/** A session (one refresh-token family, the `sid` of its access tokens) ended: logout, or reuse of a spent token. */
export const SESSION_REVOKED = 'identity.session.revoked';
/** An API key was revoked; it may be announced again when revoked again. */
export const API_KEY_REVOKED = 'identity.api-key.revoked';

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'a 24-hex id');

/**
 * Live topics identity publishes for whoever watches (the agents' goals and triggers); it parses
 * each payload with its schema before publishing, and listeners parse what they receive.
 */
/** An account was created by registration. */
export const USER_REGISTERED = 'identity.user.registered';
export const userRegisteredSchema = z.object({
  userId: objectId,
  roles: z.array(z.enum(ROLES)),
  at: z.coerce.date(),
});
export type UserRegistered = z.infer<typeof userRegisteredSchema>;

/** Every refused login (bad credentials or throttled), for security monitoring. No email, no password. */
export const LOGIN_FAILED = 'identity.login.failed';
export const loginFailedSchema = z.object({
  reason: z.enum(['bad_credentials', 'throttled']),
  ip: z.string().nullable(),
  at: z.iso.datetime({ offset: true }),
});
export type LoginFailedEvent = z.infer<typeof loginFailedSchema>;

/**
 * How identity normalises an email (trimmed, lower case, at most 254 characters). Other services
 * that name accounts by email (vehicles' provisionFleet) normalise the same way, so that their
 * lookups find the accounts identity stored.
 */
export { emailSchema } from './auth/credentials.js';

export const sessionRevokedSchema = z.object({
  sessionId: objectId,
  userId: z.string().min(1),
  reason: z.enum(['LOGOUT', 'REUSED']),
  at: z.coerce.date(),
  /** When the session's last access token expires; nothing is left to refuse after that. */
  until: z.coerce.date(),
});
export type SessionRevoked = z.infer<typeof sessionRevokedSchema>;

export const apiKeyRevokedSchema = z.object({ keyId: objectId, at: z.coerce.date() });
export type ApiKeyRevoked = z.infer<typeof apiKeyRevokedSchema>;

/**
 * Gateway -> identity (internal secret): the sessions revoked within the last access-token
 * lifetime, so a gateway that starts after a logout still refuses its access tokens.
 */
export const REVOKED_SESSIONS_ROUTE = '/internal/sessions/revoked';
export const revokedSessionsSchema = z.object({
  sessions: z.array(z.object({ sessionId: objectId, until: z.coerce.date() })),
});
export type RevokedSessions = z.infer<typeof revokedSessionsSchema>;

/**
 * Vehicles -> identity (internal secret): the owners of a `provisionFleet` call. Identity owns
 * accounts, so vehicles asks here instead of reading them. `lookup` answers which emails have an
 * account (nothing is written); `ensure` creates the missing ones as passwordless customers
 * (audited ACCOUNT_PROVISIONED) and answers every account, new or not, in the order asked.
 */
export const PROVISION_ACCOUNTS_ROUTE = '/internal/accounts/provision';
export const MAX_PROVISIONED_ACCOUNTS = 100;

/** Who provisioned, as the audit log names them: `user:<id>` or `apikey:<id>`. */
const actorId = z.string().regex(/^(user|apikey):[0-9a-f]{24}$/, 'an actor id');
const origin = { ip: z.string().max(100).nullish(), requestId: z.string().max(200).nullish() };

export const provisionAccountsRequestSchema = z.object({
  mode: z.enum(['lookup', 'ensure']),
  actorId,
  ...origin,
  accounts: z
    .array(z.object({ email: z.string().max(254), name: z.string().max(100) }))
    .min(1)
    .max(MAX_PROVISIONED_ACCOUNTS),
});
export type ProvisionAccountsRequest = z.infer<typeof provisionAccountsRequestSchema>;

export const provisionAccountsResponseSchema = z.object({
  accounts: z.array(z.object({ email: z.string(), userId: objectId.nullable(), created: z.boolean() })),
});
export type ProvisionAccountsResponse = z.infer<typeof provisionAccountsResponseSchema>;

/** Vehicles -> identity: the audit entry of one provisionFleet call that stored something. */
export const FLEET_PROVISIONED_ROUTE = '/internal/audit/fleet-provisioned';
export const fleetProvisionedAuditSchema = z.object({ actorId, ...origin, detail: z.string().min(1).max(500) });
export type FleetProvisionedAudit = z.infer<typeof fleetProvisionedAuditSchema>;

/**
 * Data subgraphs -> identity: organisations' API keys' reads of vehicles granted to them, sent
 * in batches after the reads answered (audited VEHICLE_DATA_READ each).
 */
export const VEHICLE_DATA_READS_ROUTE = '/internal/audit/vehicle-data-reads';
export const MAX_VEHICLE_DATA_READS = 500;
const auditId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const vehicleDataReadsSchema = z.object({
  reads: z
    .array(
      z.object({
        organizationId: auditId,
        keyId: objectId,
        vehicleId: auditId,
        scope: z.enum(['TELEMETRY', 'HEALTH', 'LOCATION']),
        at: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(MAX_VEHICLE_DATA_READS),
});
export type VehicleDataReads = z.infer<typeof vehicleDataReadsSchema>;

/**
 * Gateway -> identity (internal secret): is an `x-api-key` live, and what may it do? A key that
 * is not (unknown, revoked, expired or malformed) is answered 401 `{ valid: false }`.
 */
export const API_KEY_VERIFICATION_ROUTE = '/internal/api-keys/verify';
const credentialVerdict = <T extends z.ZodRawShape>(valid: T) =>
  z.discriminatedUnion('valid', [
    z.object({ valid: z.literal(true), ...valid }),
    z.object({ valid: z.literal(false) }),
  ]);
export const apiKeyVerdictSchema = credentialVerdict({
  keyId: objectId,
  ownerId: z.string().min(1),
  scopes: z.array(z.string()),
  /** The gateway ends a socket opened with the key at this moment. */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});
export type ApiKeyVerdict = z.infer<typeof apiKeyVerdictSchema>;

/** Agents -> identity (internal secret): account counts, for the customers goal. */
export const IDENTITY_STATS_ROUTE = '/internal/stats';
export const identityStatsSchema = z.object({ customers: z.number().int().nonnegative() });
export type IdentityStats = z.infer<typeof identityStatsSchema>;

/**
 * Marketplace -> identity (internal secret): identity owns roles, so an admin's approval of a
 * partner application (or an owner adding staff to a centre) asks here for the user's PARTNER
 * role. Only PARTNER can be granted this way. Idempotent: a user who has the role already
 * answers `granted: false` and nothing is written; a grant is audited ROLE_GRANTED with the
 * actor. The role reaches the user's access tokens from their next sign-in or refresh
 * (marketplace authorizes partners by centre membership, not by the role). An unknown user
 * answers `found: false`.
 */
export const GRANT_ROLE_ROUTE = '/internal/roles/grant';
export const GRANTABLE_ROLES = ['PARTNER'] as const;
export const grantRoleRequestSchema = z.object({
  userId: objectId,
  role: z.enum(GRANTABLE_ROLES),
  actorId,
  ...origin,
  detail: z.string().min(1).max(500),
});
export type GrantRoleRequest = z.infer<typeof grantRoleRequestSchema>;
export const grantRoleResponseSchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(true), userId: objectId, roles: z.array(z.enum(ROLES)), granted: z.boolean() }),
  z.object({ found: z.literal(false) }),
]);
export type GrantRoleResponse = z.infer<typeof grantRoleResponseSchema>;

/**
 * Payments -> identity (internal secret): the names of accounts, for the customer on an invoice.
 * Only the display name: no email, no roles. Unknown or malformed ids are left out.
 */
export const ACCOUNT_NAMES_ROUTE = '/internal/accounts/names';
export const accountNamesRequestSchema = z.object({ userIds: z.array(z.string().min(1).max(64)).min(1).max(100) });
export const accountNamesResponseSchema = z.object({
  accounts: z.array(z.object({ userId: objectId, name: z.string() })),
});
export type AccountNames = z.infer<typeof accountNamesResponseSchema>;

/**
 * Notifications -> identity (internal secret): where to email accounts (the email channel).
 * Address and display name only; unknown or malformed ids are left out.
 */
export const ACCOUNT_EMAILS_ROUTE = '/internal/accounts/emails';
export const accountEmailsResponseSchema = z.object({
  accounts: z.array(z.object({ userId: objectId, name: z.string(), email: z.string() })),
});
export type AccountEmails = z.infer<typeof accountEmailsResponseSchema>;

/** Identity's internal routes, typed on both sides (platform/http/internal-route.ts). */
export const identityRoutes = {
  revokedSessions: internalRoute({
    method: 'GET',
    path: REVOKED_SESSIONS_ROUTE,
    request: z.object({}),
    response: revokedSessionsSchema,
  }),
  verifyApiKey: internalRoute({
    method: 'POST',
    path: API_KEY_VERIFICATION_ROUTE,
    request: z.object({ credential: z.string() }),
    response: apiKeyVerdictSchema,
    answers: [401],
  }),
  /** The agents' index check: identity's declared indexes against its database. */
  indexes: indexCheckRoute('identity'),
  stats: internalRoute({
    method: 'POST',
    path: IDENTITY_STATS_ROUTE,
    request: z.object({}),
    response: identityStatsSchema,
  }),
  provisionAccounts: internalRoute({
    method: 'POST',
    path: PROVISION_ACCOUNTS_ROUTE,
    request: provisionAccountsRequestSchema,
    response: provisionAccountsResponseSchema,
  }),
  fleetProvisioned: internalRoute({
    method: 'POST',
    path: FLEET_PROVISIONED_ROUTE,
    request: fleetProvisionedAuditSchema,
    response: z.object({ recorded: z.literal(true) }),
  }),
  vehicleDataReads: internalRoute({
    method: 'POST',
    path: VEHICLE_DATA_READS_ROUTE,
    request: vehicleDataReadsSchema,
    response: z.object({ recorded: z.number().int().nonnegative() }),
  }),
  grantRole: internalRoute({
    method: 'POST',
    path: GRANT_ROLE_ROUTE,
    request: grantRoleRequestSchema,
    response: grantRoleResponseSchema,
  }),
  accountNames: internalRoute({
    method: 'POST',
    path: ACCOUNT_NAMES_ROUTE,
    request: accountNamesRequestSchema,
    response: accountNamesResponseSchema,
  }),
  accountEmails: internalRoute({
    method: 'POST',
    path: ACCOUNT_EMAILS_ROUTE,
    request: accountNamesRequestSchema,
    response: accountEmailsResponseSchema,
  }),
};

/** A typed client of identity's internal routes; every failure is an InternalCallError. */
export function identityClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    revokedSessions: (timeoutMs?: number) => client.call(identityRoutes.revokedSessions, {}, { timeoutMs }),
    verifyApiKey: (credential: string) => client.call(identityRoutes.verifyApiKey, { credential }),
    stats: (timeoutMs?: number) => client.call(identityRoutes.stats, {}, { timeoutMs }),
    provisionAccounts: (request: ProvisionAccountsRequest) => client.call(identityRoutes.provisionAccounts, request),
    fleetProvisioned: (entry: FleetProvisionedAudit) => client.call(identityRoutes.fleetProvisioned, entry),
    vehicleDataReads: (request: VehicleDataReads) => client.call(identityRoutes.vehicleDataReads, request),
    grantRole: (request: GrantRoleRequest) => client.call(identityRoutes.grantRole, request),
    accountNames: (userIds: string[]) => client.call(identityRoutes.accountNames, { userIds }),
    accountEmails: (userIds: string[]) => client.call(identityRoutes.accountEmails, { userIds }),
  };
}
export type IdentityClient = ReturnType<typeof identityClient>;

/**
 * identityClient for the services that act on accounts (vehicles' provisioning, the
 * marketplace's partners): identity unreachable or failing is SERVICE_UNAVAILABLE, the caller's
 * to retry; a refusal or an answer outside the contract stays an InternalCallError.
 */
export function accountsClient(options: { identityUrl: string; internalSecret: string; timeoutMs?: number }) {
  const identity = identityClient({
    url: options.identityUrl,
    internalSecret: options.internalSecret,
    timeoutMs: options.timeoutMs ?? 8000,
  });
  return withOutage(
    identity,
    () => new ServiceUnavailableError('The accounts service is unavailable; try again shortly'),
  );
}
