import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  LiveAddVehicleDocument,
  LiveIngestDocument,
  LivePairDeviceDocument,
  RegisterDocument,
} from './generated/graphql.js';
import type { TestSystem } from './harness.js';
import { waitFor } from './wait-for.js';

export const VEHICLE_TELEMETRY = `subscription ($id: ID!) {
  vehicleTelemetry(vehicleId: $id) { recordedAt readings { pid name value unit } vehicle { vin owner { email } } }
}`;

export interface Driver {
  userId: string;
  token: string;
  email: string;
}

export async function registerDriver(t: TestSystem, email: string): Promise<Driver> {
  const { data, errors } = await t.request(RegisterDocument, {
    input: { email, password: 'a-long-password', name: email },
  });
  if (errors) throw new Error(JSON.stringify(errors));
  return { userId: data!.register.user.id, token: data!.register.accessToken, email };
}

/** A vehicle with a paired OBD device; `vin` must be unique among active vehicles. */
export async function vehicleWithDevice(t: TestSystem, driver: Driver, vin: string) {
  const added = await t.request(
    LiveAddVehicleDocument,
    { input: { vin, make: 'Honda', model: 'Accord' } },
    { token: driver.token },
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  const vehicleId = added.data!.addVehicle.id;
  const paired = await t.request(LivePairDeviceDocument, { vehicleId, serial: `SN-${vin}` }, { token: driver.token });
  if (paired.errors) throw new Error(JSON.stringify(paired.errors));
  return { vehicleId, deviceToken: paired.data!.pairObdDevice.deviceToken };
}

export const ingest = (t: TestSystem, vehicleId: string, frames: string[], token: string) =>
  t.request(LiveIngestDocument, { vehicleId, frames }, { token });

export function liveClient(url: string, token?: string, onClosed?: (code: number) => void): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
}

export function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const state = { results: [] as any[], error: undefined as unknown, completed: false };
  const stop = client.subscribe(
    { query, variables },
    {
      next: (r) => void state.results.push(r),
      error: (e) => {
        state.error = e;
        state.completed = true;
      },
      complete: () => void (state.completed = true),
    },
  );
  return Object.assign(state, { stop });
}

/**
 * graphql-ws has no "subscribed" acknowledgement, so ingest again until the first event
 * arrives: proves delivery without guessing how long the upstream takes to open.
 */
export async function ingestUntilDelivered(
  t: TestSystem,
  vehicleId: string,
  frames: string[],
  token: string,
  delivered: () => boolean,
): Promise<void> {
  await waitFor(async () => {
    const result = await ingest(t, vehicleId, frames, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    await new Promise((r) => setTimeout(r, 100));
    return delivered();
  }, 'the first live event');
}

/** The errors one operation over `client` ends with (none when it completes without any). */
export function operationErrors(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ message: string; extensions?: { code?: string } }[]> {
  return new Promise((resolve, reject) => {
    const errors: { message: string; extensions?: { code?: string } }[] = [];
    client.subscribe(
      { query, variables },
      {
        next: (result) => void errors.push(...((result.errors ?? []) as never[])),
        error: (error) => (Array.isArray(error) ? resolve(error) : reject(error)),
        complete: () => resolve(errors),
      },
    );
  });
}
