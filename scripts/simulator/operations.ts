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

export interface IngestResultData {
  accepted: number;
  rejected: number;
  readingsStored: number;
  dtcsStored: number;
  duplicate: boolean;
  errors: { index: number; code: string }[];
}
