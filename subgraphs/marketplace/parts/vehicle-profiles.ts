import { ServiceUnavailableError } from '../../../platform/errors.js';
import { vehiclesClient, type VehicleProfile } from '../../vehicles/contract.js';

/** What a vehicle is (make, model, year), as the vehicles subgraph's profile route says: never its collections. */
export interface VehicleProfiles {
  profile(vehicleId: string): Promise<VehicleProfile | null>;
}

export class HttpVehicleProfiles implements VehicleProfiles {
  private readonly client: ReturnType<typeof vehiclesClient>;

  constructor(options: { vehiclesUrl: string; internalSecret: string }) {
    this.client = vehiclesClient({ url: options.vehiclesUrl, internalSecret: options.internalSecret });
  }

  async profile(vehicleId: string): Promise<VehicleProfile | null> {
    try {
      const [found] = await this.client.profiles([vehicleId]);
      return found ?? null;
    } catch {
      throw new ServiceUnavailableError('Vehicle details cannot be read right now');
    }
  }
}
