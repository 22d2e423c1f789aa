/**
 * What the simulator's dongles send (the fleet is set up by scripts/fleet/provision-fleet.ts).
 * Plain strings rather than the typed documents under test/generated: the simulator ships with
 * scripts/, which the build and the image include and test/ is not. Names follow the public API
 * (see schema/supergraph.graphql).
 */
export const INGEST_FRAMES = `mutation SimulatorIngest($vehicleId: ID!, $frames: [String!]!, $recordedAt: DateTime, $idempotencyKey: String) {
  ingestObdFrames(vehicleId: $vehicleId, frames: $frames, recordedAt: $recordedAt, idempotencyKey: $idempotencyKey) {
    accepted rejected readingsStored dtcsStored duplicate errors { index code }
  }
}`;

/** Several rounds, each with its time, in one operation: a dongle uploading every few seconds (--upload-every). */
export const INGEST_ROUNDS = `mutation SimulatorIngestRounds($vehicleId: ID!, $rounds: [ObdRoundInput!]!, $idempotencyKey: String) {
  ingestObdRounds(vehicleId: $vehicleId, rounds: $rounds, idempotencyKey: $idempotencyKey) {
    accepted rejected readingsStored dtcsStored duplicate errors { index code }
  }
}`;

/** The API's limits on one ingestObdRounds (subgraphs/telemetry/ingest/rounds.ts). */
export const MAX_ROUNDS_PER_OPERATION = 120;
export const MAX_FRAMES_PER_OPERATION = 2_000;

export interface IngestResultData {
  accepted: number;
  rejected: number;
  readingsStored: number;
  dtcsStored: number;
  duplicate: boolean;
  errors: { index: number; code: string }[];
}
