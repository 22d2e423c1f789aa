import { decodeVin } from '../../subgraphs/vehicles/vin/vin.js';
import { fleetRequests, ownersOfRequest, plannedOwner, readingVehicleIndices } from './fleet-plan.js';
import { parseSeedArgs } from './options.js';
import { SCALES, scaleProblems } from './scales.js';

describe('the seed fleet plan', () => {
  it('gives every scale its exact customers and vehicles, with valid, distinct VINs and serials', () => {
    for (const scale of Object.values(SCALES)) {
      expect(scaleProblems(scale)).toEqual([]);
      const owners = Array.from({ length: fleetRequests(scale) }, (_, r) => ownersOfRequest(scale, r)).flat();
      const vehicles = owners.flatMap((o) => o.vehicles);
      expect(owners.map((o) => o.index)).toEqual(Array.from({ length: scale.customers }, (_, i) => i));
      expect(vehicles.map((v) => v.index)).toEqual(Array.from({ length: scale.vehicles }, (_, i) => i));
      expect(new Set(vehicles.map((v) => v.vin)).size).toBe(scale.vehicles);
      expect(new Set(vehicles.map((v) => v.serial)).size).toBe(scale.vehicles);
      expect(new Set(owners.map((o) => o.plan.email)).size).toBe(scale.customers);
      for (const v of vehicles.filter((_, i) => i % 97 === 0)) {
        const decoded = decodeVin(v.vin, { now: new Date('2026-12-05') });
        expect(decoded).toMatchObject({ ok: true, vin: { modelYear: v.year, manufacturer: expect.any(String) } });
      }
      expect(new Set(readingVehicleIndices(scale)).size).toBe(scale.readingVehicles);
    }
  });

  it('keeps scales apart, so that small and seed can share a database', () => {
    const small = plannedOwner(SCALES.small, 0);
    const seed = plannedOwner(SCALES.seed, 0);
    expect(small.plan.email).not.toBe(seed.plan.email);
    expect(small.vehicles[0]!.vin).not.toBe(seed.vehicles[0]!.vin);
    expect(small.vehicles[0]!.serial).not.toBe(seed.vehicles[0]!.serial);
  });

  it('reads its flags, and refuses an unknown scale', () => {
    expect(parseSeedArgs(['--scale', 'seed', '--url', 'http://127.0.0.1:4000/graphql', '--restart'])).toEqual({
      help: false,
      options: expect.objectContaining({
        scale: 'seed',
        url: 'http://127.0.0.1:4000/graphql',
        restart: true,
        concurrency: 8,
      }),
    });
    expect(() => parseSeedArgs(['--scale', 'huge'])).toThrow(/--scale is small or seed/);
  });
});
