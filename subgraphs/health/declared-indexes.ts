import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { ALERT_OUTBOX_INDEXES, AlertOutboxStore } from './alerts/alert-outbox.store.js';
import { ALERT_TRANSITION_INDEXES, AlertTransitionStore } from './alerts/alert-transitions.js';
import { ALERT_INDEXES, AlertStore } from './alerts/alert.store.js';
import { VEHICLE_STATE_VERSION_INDEXES, VehicleStateStore } from './state-machine/vehicle-state.store.js';
import { SERVICE_RECORD_INDEXES, ServiceRecordStore } from './maintenance/service-record.store.js';
import { SNAPSHOT_INDEXES, SnapshotStore } from './scoring/snapshot.store.js';
import { VEHICLE_PROFILE_INDEXES, VehicleProfileStore } from './vehicles/vehicle-profile.store.js';

/** Every index the health stores declare, by collection (`vehicle_states` is read by `_id` only). */
export const HEALTH_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [AlertStore.collection]: ALERT_INDEXES,
  [AlertTransitionStore.collection]: ALERT_TRANSITION_INDEXES,
  [AlertOutboxStore.collection]: ALERT_OUTBOX_INDEXES,
  [VehicleStateStore.versionsCollection]: VEHICLE_STATE_VERSION_INDEXES,
  [VehicleStateStore.headsCollection]: [],
  [ServiceRecordStore.collection]: SERVICE_RECORD_INDEXES,
  [SnapshotStore.collection]: SNAPSHOT_INDEXES,
  [VehicleProfileStore.collection]: VEHICLE_PROFILE_INDEXES,
};
