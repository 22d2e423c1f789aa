import type { Db } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import { identityClient } from '../../../subgraphs/identity/contract.js';
import { CentreAuditStore } from '../../../subgraphs/marketplace/audit/centre-audit.store.js';
import { CentreStore } from '../../../subgraphs/marketplace/centres/centre.store.js';
import { ApplicationStore } from '../../../subgraphs/marketplace/partners/application.store.js';
import type { PartnerApplicationInput } from '../../../subgraphs/marketplace/partners/application.type.js';
import { HttpIdentityDirectory } from '../../../subgraphs/marketplace/partners/identity-directory.js';
import { PartnerService } from '../../../subgraphs/marketplace/partners/partner.service.js';
import type { CentreApplication } from './centre-plan.js';

/** An application a partner has made: enough to tell whether it is one of the seed's. */
export interface KnownApplication {
  id: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  name: string;
  location: { lat: number; lng: number };
}

/** How the seed lists centres: as partners apply and an admin approves. */
export interface CentreWriter {
  /** The partner accounts' user ids, in the order asked; missing ones are created (by email). */
  ensureOwners(owners: readonly { email: string; name: string }[]): Promise<string[]>;
  /** The owner's applications, newest first (a partner of the seed has at most a few dozen). */
  applicationsOf(ownerId: string): Promise<KnownApplication[]>;
  /** Applies as the owner; the application's id. */
  apply(ownerId: string, application: CentreApplication): Promise<string>;
  /** Approves as the admin (PARTNER granted, centre created); the centre's id. */
  approve(applicationId: string): Promise<string>;
}

export interface MarketplaceWriterOptions {
  /** The marketplace subgraph's database. */
  db: Db;
  bus: EventBus;
  /** The identity service (its internal routes), and the secret they take. */
  identityUrl: string;
  internalSecret: string;
  /** Who creates the partner accounts, as identity's audit names them: `apikey:<id>` or `user:<id>`. */
  actorId: string;
  /** The admin who approves the applications (the marketplace's audit names them). */
  adminId: string;
}

const REQUEST_ID = 'npm-run-seed';

/**
 * Through the marketplace's own PartnerService, in the process that runs the stack, so every
 * rule applies as it does to applyAsPartner and approvePartnerApplication: the application is
 * validated (applicationSchema), one is open per partner at a time, approval grants PARTNER
 * through identity's route and creates the centre once, and both are in the marketplace's
 * audit log. Partner accounts are created through identity's provisioning route (accounts
 * without a password, audited), as provisionFleet creates customers: seeded partners cannot
 * sign in, so the API's applyAsPartner (which needs their session) is out of reach.
 */
export function marketplaceCentreWriter(options: MarketplaceWriterOptions): CentreWriter {
  const { db, bus, identityUrl, internalSecret, actorId, adminId } = options;
  const partners = new PartnerService(
    new ApplicationStore(db),
    new CentreStore(db),
    new HttpIdentityDirectory({ identityUrl, internalSecret }),
    new CentreAuditStore(db),
    bus,
  );
  const identity = identityClient({ url: identityUrl, internalSecret, timeoutMs: 15_000 });
  const admin = { kind: 'user' as const, userId: adminId, roles: ['ADMIN' as const] };
  const partner = (userId: string) => ({ kind: 'user' as const, userId, roles: ['CUSTOMER' as const] });
  return {
    async ensureOwners(owners) {
      const ids: string[] = [];
      for (let i = 0; i < owners.length; i += 100) {
        const { accounts } = await identity.provisionAccounts({
          mode: 'ensure',
          actorId,
          requestId: REQUEST_ID,
          accounts: owners.slice(i, i + 100).map((o) => ({ email: o.email, name: o.name })),
        });
        for (const account of accounts) {
          if (!account.userId) throw new Error(`identity created no account for ${account.email}`);
          ids.push(account.userId);
        }
      }
      return ids;
    },
    async applicationsOf(ownerId) {
      const page = await partners.mine(partner(ownerId), { first: 100 });
      return page.edges.map(({ node }) => ({
        id: node.id,
        status: node.status as KnownApplication['status'],
        name: node.name,
        location: { lat: node.location.lat, lng: node.location.lng },
      }));
    },
    async apply(ownerId, application) {
      const doc = await partners.apply(partner(ownerId), application as unknown as PartnerApplicationInput, {
        requestId: REQUEST_ID,
      });
      return doc._id.toHexString();
    },
    async approve(applicationId) {
      const centre = await partners.approve(admin, applicationId, { requestId: REQUEST_ID });
      return centre._id.toHexString();
    },
  };
}
