import { pino } from 'pino';
import type { VehicleAccess, VehicleOwnership } from '../../../platform/access/vehicle-access.js';
import type { VehicleDirectory, VehicleProfile } from '../vehicles/vehicle-directory.js';

export const silentLogger = pino({ level: 'silent' });

/** Vehicles and their owners, as the vehicles subgraph would answer. */
export class FakeAccess implements VehicleAccess {
  readonly owners = new Map<string, string>();

  own(vehicleId: string, ownerId: string): this {
    this.owners.set(vehicleId, ownerId);
    return this;
  }

  async ownership(vehicleId: string): Promise<VehicleOwnership | null> {
    const ownerId = this.owners.get(vehicleId);
    return ownerId ? { vehicleId, ownerId, active: true } : null;
  }
}

export class FakeDirectory implements VehicleDirectory {
  readonly vehicles = new Map<string, VehicleProfile>();

  add(vehicleId: string, make: string | null, model: string | null, year: number | null): this {
    this.vehicles.set(vehicleId, { vehicleId, make, model, year, active: true });
    return this;
  }

  async profiles(ids: readonly string[]): Promise<VehicleProfile[]> {
    return ids.flatMap((id) => (this.vehicles.has(id) ? [this.vehicles.get(id)!] : []));
  }
}
