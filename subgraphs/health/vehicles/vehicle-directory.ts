import { INTERNAL_SECRET_HEADER } from '../../../platform/auth/viewer.js';

/** What health needs to know about a vehicle from its owner subgraph: what it is, never who owns it. */
export interface VehicleProfile {
  vehicleId: string;
  make: string | null;
  model: string | null;
  year: number | null;
  active: boolean;
}

export interface VehicleDirectory {
  /** Profiles of the vehicles that exist, in any order (unknown ids are left out). */
  profiles(vehicleIds: readonly string[]): Promise<VehicleProfile[]>;
}

/**
 * Contract with the vehicles subgraph: `POST /internal/vehicles/profiles` with
 * `{ "vehicleIds": ["..."] }` answers `{ "vehicles": [{ vehicleId, make, model, year, active }] }`.
 */
export class HttpVehicleDirectory implements VehicleDirectory {
  private readonly url: string;

  constructor(private readonly options: { vehiclesUrl: string; internalSecret: string }) {
    this.url = `${new URL(options.vehiclesUrl).origin}/internal/vehicles/profiles`;
  }

  async profiles(vehicleIds: readonly string[]): Promise<VehicleProfile[]> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.options.internalSecret },
      body: JSON.stringify({ vehicleIds }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`vehicle profiles: HTTP ${response.status}`);
    const body = (await response.json()) as { vehicles?: VehicleProfile[] };
    return body.vehicles ?? [];
  }
}
