import { ServiceUnavailableError } from '../../../platform/errors.js';
import { withOutage } from '../../../platform/http/internal-route.js';
import { marketplaceClient, type CentreProfiles } from '../../marketplace/contract.js';

export type CentreProfile = CentreProfiles['centres'][number];

/** Centre membership and profiles, owned by the marketplace (its member-centres and centre-profiles routes). */
export interface CentreDirectory {
  /** The centres `userId` acts for. */
  memberCentres(userId: string): Promise<string[]>;
  /** The known centres among `centreIds`. */
  profiles(centreIds: string[]): Promise<CentreProfile[]>;
}

export class HttpCentreDirectory implements CentreDirectory {
  private readonly client: ReturnType<typeof marketplaceClient>;

  constructor(options: { marketplaceUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.client = withOutage(
      marketplaceClient({
        url: options.marketplaceUrl,
        internalSecret: options.internalSecret,
        timeoutMs: options.timeoutMs ?? 3000,
      }),
      () => new ServiceUnavailableError('The marketplace is unavailable; try again shortly'),
    );
  }

  async memberCentres(userId: string): Promise<string[]> {
    return (await this.client.memberCentres(userId)).centreIds;
  }

  async profiles(centreIds: string[]): Promise<CentreProfile[]> {
    if (centreIds.length === 0) return [];
    return (await this.client.centreProfiles(centreIds.slice(0, 100))).centres;
  }
}
