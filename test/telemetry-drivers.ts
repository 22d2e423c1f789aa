import { AddVehicleDocument, PairObdDeviceDocument, RegisterDocument } from './generated/graphql.js';
import type { TestSystem } from './harness.js';

/** A customer with one vehicle and its paired OBD device, as the telemetry tests upload for. */
export interface DeviceDriver {
  token: string;
  vehicleId: string;
  deviceToken: string;
}

/** Registers `email`, adds the vehicle `vin` (unique among active vehicles) and pairs a device to it. */
export async function driverWithDevice(t: TestSystem, email: string, vin: string): Promise<DeviceDriver> {
  const token = (await t.request(RegisterDocument, { input: { email, password: 'a-long-password', name: 'Driver' } }))
    .data!.register.accessToken;
  const vehicleId = (await t.request(AddVehicleDocument, { input: { vin } }, { token })).data!.addVehicle.id;
  const deviceToken = (
    await t.request(PairObdDeviceDocument, { vehicleId, serial: `${email.split('@')[0]}-elm327` }, { token })
  ).data!.pairObdDevice.deviceToken;
  return { token, vehicleId, deviceToken };
}

/** Readings stored for a vehicle, across its bucket documents. */
export const storedReadings = async (t: TestSystem, vehicleId: string) =>
  (await t.system.deps.mongo.db('telemetry').collection('reading_buckets').find({ vehicleId }).toArray()).reduce(
    (n, d) => n + (d.count as number),
    0,
  );
