import { vehiclesClient, type VehicleProfile } from '../../vehicles/contract.js';

/** What health needs to know about a vehicle from its owner subgraph: what it is, never who owns it. */
export type { VehicleProfile };

export interface VehicleDirectory {
  /** Profiles of the vehicles that exist, in any order (unknown ids are left out). */
  profiles(vehicleIds: readonly string[]): Promise<VehicleProfile[]>;
}

/** The vehicles subgraph's profile route (subgraphs/vehicles/contract.ts); a failed call throws. */
export class HttpVehicleDirectory implements VehicleDirectory {
  private readonly vehicles: ReturnType<typeof vehiclesClient>;

  constructor(options: { vehiclesUrl: string; internalSecret: string }) {
    this.vehicles = vehiclesClient({ url: options.vehiclesUrl, internalSecret: options.internalSecret });
  }

  profiles(vehicleIds: readonly string[]): Promise<VehicleProfile[]> {
    return this.vehicles.profiles([...vehicleIds]);
  }
}
