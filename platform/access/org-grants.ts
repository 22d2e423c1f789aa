import { notificationsClient } from '../../subgraphs/notifications/contract.js';
import type { Viewer } from '../auth/viewer.js';
import { ForbiddenError, ServiceUnavailableError } from '../errors.js';

/** What a vehicle owner's grant lets an organisation's API keys read. */
export type DataScope = 'TELEMETRY' | 'HEALTH' | 'LOCATION';

/** The scopes in which a vehicle's owner lets an organisation read it (none without a grant). */
export interface OrgGrants {
  scopes(organizationId: string, vehicleId: string): Promise<DataScope[]>;
}

export interface HttpOrgGrantsOptions {
  /** The notifications subgraph's URL, asked late: it starts after the data subgraphs. */
  notificationsUrl: () => string;
  internalSecret: string;
}

/**
 * Asks notifications (which keeps the grants) on every check, uncached: a revocation holds from
 * the next read on. Within one request a vehicle is asked once (vehicle-read.ts).
 */
export class HttpOrgGrants implements OrgGrants {
  private client: ReturnType<typeof notificationsClient> | undefined;

  constructor(private readonly options: HttpOrgGrantsOptions) {}

  async scopes(organizationId: string, vehicleId: string): Promise<DataScope[]> {
    this.client ??= notificationsClient({
      url: this.options.notificationsUrl(),
      internalSecret: this.options.internalSecret,
    });
    try {
      return (await this.client.vehicleGrants({ organizationId, vehicleId })).scopes;
    } catch {
      throw new ServiceUnavailableError('Vehicle access grants cannot be checked right now');
    }
  }
}

const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An API key reads a vehicle only within a live grant of its organisation (the key's owner):
 * `scope` null asks for any grant (the vehicle itself). Ids the grants route would refuse are
 * refused here the same way, so nothing tells a probing key which vehicles exist.
 */
export async function authorizeOrgRead(
  grants: OrgGrants | undefined,
  viewer: Extract<Viewer, { kind: 'apiKey' }>,
  vehicleId: string,
  scope: DataScope | null,
): Promise<void> {
  if (!grants || !GRANT_ID.test(vehicleId) || !GRANT_ID.test(viewer.ownerId))
    throw new ForbiddenError('API keys cannot access vehicle data');
  const scopes = await grants.scopes(viewer.ownerId, vehicleId);
  if (scope ? !scopes.includes(scope) : scopes.length === 0)
    throw new ForbiddenError(`This vehicle's owner has not granted your organisation ${scope ?? 'any'} access`);
}
