import { randomBytes } from 'node:crypto';
import type { Authorizer } from '../fleet/credentials.js';
import {
  MAX_OWNERS_PER_REQUEST,
  ProvisionError,
  provisionFleet,
  type FleetOwnerPlan,
} from '../fleet/provision-fleet.js';
import type { Fault } from './faults.js';
import type { Random } from './random.js';
import type { SendContext } from './send.js';
import type { DeviceCredentials } from './uploader.js';
import { generateVin, type SimulatedVehicleIdentity } from './vin.js';

export interface SimulatedVehicle extends SimulatedVehicleIdentity {
  index: number;
  vehicleId: string;
  ownerEmail: string;
  faults: Fault[];
  device: DeviceCredentials;
}

export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Fresh VINs to try for a vehicle whose VIN is already on an active vehicle (another run against the same database). */
const VIN_ATTEMPTS = 5;
const CONFLICTING_VIN = /^owners\.(\d+)\.vehicles\.0\.vin$/;

interface Planned {
  index: number;
  identity: SimulatedVehicleIdentity;
  owner: FleetOwnerPlan;
}

/**
 * The owners (one per vehicle), cars and paired dongles, through provisionFleet: one request
 * per 100 vehicles, so a fleet of any size needs one sign-in (or none, with an API key) instead
 * of a registration per car, which the gateway's per-IP sign-in limit refuses past 30 a minute.
 * Requests are retried with their idempotency key (the server answers a retry with the first
 * result); a VIN found on another owner's vehicle is drawn again, under a new key.
 */
export async function setUpFleet(
  ctx: SendContext,
  auth: Authorizer,
  plan: { runId: string; faults: Fault[][]; identities: Random },
): Promise<SimulatedVehicle[]> {
  const runKey = randomBytes(12).toString('hex');
  const planned: Planned[] = plan.faults.map((_, index) => {
    const identity = generateVin(plan.identities.fork(index));
    const number = index + 1;
    return {
      index,
      identity,
      owner: {
        email: driverEmail(index, plan.runId),
        name: driverName(index),
        vehicles: [vehiclePlan(identity, number, plan.runId)],
      },
    };
  });

  const vehicles: SimulatedVehicle[] = [];
  // One vehicle per owner: a request holds 100 owners.
  for (let chunkIndex = 0; chunkIndex * MAX_OWNERS_PER_REQUEST < planned.length; chunkIndex++) {
    const chunk = planned.slice(chunkIndex * MAX_OWNERS_PER_REQUEST, (chunkIndex + 1) * MAX_OWNERS_PER_REQUEST);
    for (let attempt = 1; ; attempt++) {
      try {
        const key = `sim-${runKey}-${chunkIndex}-${attempt}`;
        const result = await provisionFleet(
          ctx,
          auth,
          key,
          chunk.map((p) => p.owner),
        );
        result.owners.forEach((owner, i) => vehicles.push(simulated(chunk[i]!, owner.vehicles[0]!, plan)));
        break;
      } catch (error) {
        const clash =
          error instanceof ProvisionError && error.code === 'CONFLICT' && CONFLICTING_VIN.exec(error.field ?? '');
        if (!clash || attempt >= VIN_ATTEMPTS) {
          throw new SetupError(
            `setting up vehicles ${chunk[0]!.index + 1}-${chunk.at(-1)!.index + 1}: ${(error as Error).message}`,
          );
        }
        const redraw = chunk[Number(clash[1])]!;
        redraw.identity = generateVin(plan.identities.fork(`${redraw.index}:${attempt}`));
        redraw.owner.vehicles = [vehiclePlan(redraw.identity, redraw.index + 1, plan.runId)];
      }
    }
  }
  return vehicles;
}

/** The owner of vehicle `index` (0-based) of a run: `--book` registers some of them before the fleet is provisioned. */
export const driverEmail = (index: number, runId: string) => `driver${index + 1}.${runId}@simulator.clutch.test`;
export const driverName = (index: number) => `Simulated driver ${index + 1}`;

const vehiclePlan = (identity: SimulatedVehicleIdentity, number: number, runId: string) => ({
  ...identity,
  nickname: `Simulated car ${number}`,
  pairDeviceSerial: `SIM-${runId}-${number}`.toUpperCase(),
});

function simulated(
  planned: Planned,
  provisioned: { vehicleId: string; vin: string; deviceToken: string | null },
  plan: { runId: string; faults: Fault[][] },
): SimulatedVehicle {
  if (provisioned.vin !== planned.identity.vin || !provisioned.deviceToken) {
    throw new SetupError(`vehicle ${planned.index + 1} came back without its VIN or device token`);
  }
  return {
    ...planned.identity,
    index: planned.index,
    vehicleId: provisioned.vehicleId,
    ownerEmail: planned.owner.email,
    faults: plan.faults[planned.index]!,
    device: {
      vehicleId: provisioned.vehicleId,
      deviceToken: provisioned.deviceToken,
      keyPrefix: `sim-${plan.runId}-v${planned.index + 1}`,
    },
  };
}
