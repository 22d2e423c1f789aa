import { randomBytes } from 'node:crypto';
import type { Fault } from './faults.js';
import { errorCode, type GraphQLErrorShape } from './gateway-client.js';
import { ADD_VEHICLE, LOGIN, MY_VEHICLES, PAIR_DEVICE, REGISTER, type AuthPayloadData } from './operations.js';
import type { Random } from './random.js';
import { sendWithRetry, type SendContext } from './send.js';
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
  constructor(step: string, error: GraphQLErrorShape) {
    super(`${step} failed: ${errorCode(error)}: ${error.message}`);
    this.name = 'SetupError';
  }
}

/** Fresh VINs to try when one is already on an active vehicle (another run against the same database). */
const VIN_ATTEMPTS = 5;

type CallResult<T> = { ok: true; data: T } | { ok: false; error: GraphQLErrorShape; step: string };

async function call<T>(
  ctx: SendContext,
  step: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<CallResult<T>> {
  const [result] = await sendWithRetry(ctx, [{ query, variables }], token);
  const error = result.errors?.[0];
  if (error || !result.data) return { ok: false, error: error ?? { message: 'no data' }, step };
  return { ok: true, data: result.data as T };
}

function orThrow<T>(result: CallResult<T>): T {
  if (!result.ok) throw new SetupError(result.step, result.error);
  return result.data;
}

/**
 * The owner's account, the vehicle and its paired dongle, through the gateway like any client.
 * Each call is retried on transient failures; `register` and `addVehicle` are not idempotent, so
 * a retry that finds its own earlier success (email taken, VIN taken by us) takes that instead.
 */
export async function setUpVehicle(
  ctx: SendContext,
  plan: { index: number; runId: string; faults: Fault[]; identity: Random },
): Promise<SimulatedVehicle> {
  const number = plan.index + 1;
  const email = `driver${number}.${plan.runId}@simulator.clutch.test`;
  const password = randomBytes(12).toString('base64url');
  const registered = await call<{ register: AuthPayloadData }>(ctx, `register ${email}`, REGISTER, {
    input: { email, password, name: `Simulated driver ${number}` },
  });
  let token: string;
  if (registered.ok) token = registered.data.register.accessToken;
  else if (registered.error.extensions?.field !== 'email') throw new SetupError(registered.step, registered.error);
  else {
    const login = await call<{ login: AuthPayloadData }>(ctx, `login ${email}`, LOGIN, { email, password });
    token = orThrow(login).login.accessToken;
  }

  const { identity, vehicleId } = await addVehicle(ctx, token, plan.identity, number);
  const paired = orThrow(
    await call<{ pairObdDevice: { deviceToken: string } }>(
      ctx,
      `pairObdDevice for ${identity.vin}`,
      PAIR_DEVICE,
      {
        vehicleId,
        serial: `SIM-${plan.runId}-${number}`.toUpperCase(),
      },
      token,
    ),
  );
  return {
    ...identity,
    index: plan.index,
    vehicleId,
    ownerEmail: email,
    faults: plan.faults,
    device: { vehicleId, deviceToken: paired.pairObdDevice.deviceToken, keyPrefix: `sim-${plan.runId}-v${number}` },
  };
}

async function addVehicle(ctx: SendContext, token: string, random: Random, number: number) {
  for (let attempt = 1; ; attempt++) {
    const identity = generateVin(random);
    const added = await call<{ addVehicle: { id: string } }>(
      ctx,
      `addVehicle ${identity.vin}`,
      ADD_VEHICLE,
      {
        input: { ...identity, nickname: `Simulated car ${number}` },
      },
      token,
    );
    if (added.ok) return { identity, vehicleId: added.data.addVehicle.id };
    if (errorCode(added.error) !== 'CONFLICT' || attempt >= VIN_ATTEMPTS) orThrow(added);
    const mine = orThrow(
      await call<{ myVehicles: { id: string; vin: string }[] }>(ctx, 'myVehicles', MY_VEHICLES, {}, token),
    );
    const ours = mine.myVehicles.find((v) => v.vin === identity.vin);
    if (ours) return { identity, vehicleId: ours.id };
  }
}
