/**
 * The operations the simulator sends. Plain strings rather than the typed documents under
 * test/generated: the simulator ships with scripts/, which the build and the image include and
 * test/ is not. Names follow the public API (see schema/supergraph.graphql).
 */
export const REGISTER = `mutation SimulatorRegister($input: RegisterInput!) {
  register(input: $input) { accessToken user { id } }
}`;

export const LOGIN = `mutation SimulatorLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken user { id } }
}`;

export const ADD_VEHICLE = `mutation SimulatorAddVehicle($input: AddVehicleInput!) {
  addVehicle(input: $input) { id vin }
}`;

export const MY_VEHICLES = `query SimulatorMyVehicles { myVehicles { id vin } }`;

export const PAIR_DEVICE = `mutation SimulatorPairDevice($vehicleId: ID!, $serial: String!) {
  pairObdDevice(vehicleId: $vehicleId, serial: $serial) { deviceToken }
}`;

export const INGEST_FRAMES = `mutation SimulatorIngest($vehicleId: ID!, $frames: [String!]!, $recordedAt: DateTime, $idempotencyKey: String) {
  ingestObdFrames(vehicleId: $vehicleId, frames: $frames, recordedAt: $recordedAt, idempotencyKey: $idempotencyKey) {
    accepted rejected readingsStored dtcsStored duplicate errors { index code }
  }
}`;

export interface AuthPayloadData {
  accessToken: string;
  user: { id: string };
}

export interface IngestResultData {
  accepted: number;
  rejected: number;
  readingsStored: number;
  dtcsStored: number;
  duplicate: boolean;
  errors: { index: number; code: string }[];
}
