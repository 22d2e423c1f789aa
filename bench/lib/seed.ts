import { randomBytes } from 'node:crypto';
import {
  LoginDocument,
  PairObdDeviceDocument,
  LiveAddVehicleDocument,
  RegisterDocument,
  type LoginMutation,
} from '../../test/generated/graphql.js';
import { bearerHeaders, dataOf, JSON_HEADERS, postGraphQL } from './graphql-http.js';

/* Data a benchmark needs, created through the gateway as a client would create it. */

export type User = LoginMutation['login']['user'];

export interface Session {
  accessToken: string;
  user: User;
}

export interface SeededVehicle {
  vehicleId: string;
  vin: string;
  deviceId: string;
  deviceToken: string;
}

export async function login(gatewayUrl: string, email: string, password: string): Promise<Session> {
  const { login } = dataOf('login', await postGraphQL(gatewayUrl, LoginDocument, { email, password }, JSON_HEADERS));
  return { accessToken: login.accessToken, user: login.user };
}

/** A fresh customer, registered and logged in. */
export async function seedSession(gatewayUrl: string): Promise<Session> {
  const email = `bench-${randomBytes(4).toString('hex')}@clutch.bench`;
  const password = randomBytes(12).toString('hex');
  dataOf(
    'register',
    await postGraphQL(gatewayUrl, RegisterDocument, { input: { email, password, name: 'Bench Driver' } }, JSON_HEADERS),
  );
  return login(gatewayUrl, email, password);
}

/**
 * A European VIN ("W" first, so no check digit is enforced) that is unique per `serial`:
 * one active vehicle per VIN is the rule.
 */
const benchVin = (serial: number) => `WVWZZZ1JZXW${String(serial).padStart(6, '0')}`;

let vehiclesMade = 0;

/** A vehicle of `owner` with a paired OBD device, whose token may only ingest for it. */
export async function seedVehicle(gatewayUrl: string, owner: Session): Promise<SeededVehicle> {
  const vin = benchVin(++vehiclesMade);
  const { addVehicle } = dataOf(
    'addVehicle',
    await postGraphQL(
      gatewayUrl,
      LiveAddVehicleDocument,
      { input: { vin, make: 'Volkswagen', model: 'Golf' } },
      bearerHeaders(owner.accessToken),
    ),
  );
  const { pairObdDevice } = dataOf(
    'pairObdDevice',
    await postGraphQL(
      gatewayUrl,
      PairObdDeviceDocument,
      { vehicleId: addVehicle.id, serial: `BENCH-${vin}` },
      bearerHeaders(owner.accessToken),
    ),
  );
  return { vehicleId: addVehicle.id, vin, deviceId: pairObdDevice.device.id, deviceToken: pairObdDevice.deviceToken };
}
