import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Logger } from '../../../platform/logger.js';
import { isOutage } from '../../../platform/http/internal-route.js';
import { marketplaceClient } from '../../marketplace/contract.js';

/**
 * Who a notification is for, asked of the services that own the answer (notifications reads
 * no other subgraph's collections): a vehicle's owner from vehicles, a centre's members from
 * the marketplace. Channels that need more about a user (an email address) ask their owner
 * the same way.
 */
export interface RecipientDirectory {
  /** The vehicle's owner, or null when it is removed or unknown. */
  vehicleOwners(vehicleIds: readonly string[]): Promise<Map<string, string>>;
  /** The members of the centre (partners who act for it); empty when unknown. */
  centreMembers(centreId: string): Promise<string[]>;
}

export class HttpRecipientDirectory implements RecipientDirectory {
  private readonly marketplace: ReturnType<typeof marketplaceClient>;

  constructor(
    private readonly access: VehicleAccess,
    options: { marketplaceUrl: string; internalSecret: string },
    private readonly logger?: Logger,
  ) {
    this.marketplace = marketplaceClient({ url: options.marketplaceUrl, internalSecret: options.internalSecret });
  }

  async vehicleOwners(vehicleIds: readonly string[]): Promise<Map<string, string>> {
    const answers = await Promise.all(vehicleIds.map((id) => this.access.ownership(id)));
    const owners = new Map<string, string>();
    answers.forEach((o, i) => {
      if (o?.active) owners.set(vehicleIds[i]!, o.ownerId);
    });
    return owners;
  }

  async centreMembers(centreId: string): Promise<string[]> {
    try {
      const { centres } = await this.marketplace.centreProfiles([centreId]);
      return centres.find((c) => c.id === centreId)?.memberIds ?? [];
    } catch (error) {
      // An outage is retried (the event comes back); a refusal would refuse again: the customer is still told.
      if (isOutage(error)) throw error;
      this.logger?.warn({ err: error, centreId }, 'centre members unavailable: only the customer is notified');
      return [];
    }
  }
}
