import { encodeViewer } from '../../../platform/auth/viewer.js';
import type { InternalConnectionParams } from '../../../platform/subgraph/websocket.js';
import type { SubscriberGroup } from './messages.js';

/** What most gateway subscribers select: telemetry's fields, the VIN from vehicles, the email from identity. */
export const SHARED_SELECTION = `subscription VehicleTelemetry($vehicleId: ID!) {
  vehicleTelemetry(vehicleId: $vehicleId) { recordedAt readings { pid value } vehicle { vin owner { email } } }
}`;

/** The same fields in another order: another operation text, so another group at the gateway. */
export const REORDERED_SELECTION = `subscription VehicleTelemetry($vehicleId: ID!) {
  vehicleTelemetry(vehicleId: $vehicleId) { vehicle { vin owner { email } } readings { pid value } recordedAt }
}`;

/** Straight to the subgraph, only what telemetry owns. */
export const SUBGRAPH_SELECTION = `subscription VehicleTelemetry($vehicleId: ID!) {
  vehicleTelemetry(vehicleId: $vehicleId) { recordedAt readings { pid value } }
}`;

/** The share of gateway subscribers in each of the two minority groups. */
const MINORITY_SHARE = 0.05;

export interface LiveAudience {
  vehicleId: string;
  owner: { userId: string; accessToken: string };
  adminAccessToken: string;
}

/**
 * Most subscribers are the vehicle's owner with one selection, so they share one upstream
 * subscription and one completion per event (the deduplicated path). Two minorities are not
 * deduplicated with them: the owner with the fields reordered (another group), and staff (another
 * viewer class, hence another upstream).
 */
export function gatewayAudience(count: number, a: LiveAudience): SubscriberGroup[] {
  const minority = Math.floor(count * MINORITY_SHARE);
  const variables = { vehicleId: a.vehicleId };
  const owner = { authorization: `Bearer ${a.owner.accessToken}` };
  const groups: SubscriberGroup[] = [
    {
      label: 'owner, shared selection',
      count: count - 2 * minority,
      connectionParams: owner,
      query: SHARED_SELECTION,
      variables,
      federated: true,
    },
    {
      label: 'owner, reordered selection',
      count: minority,
      connectionParams: owner,
      query: REORDERED_SELECTION,
      variables,
      federated: true,
    },
    {
      label: 'admin, shared selection',
      count: minority,
      connectionParams: { authorization: `Bearer ${a.adminAccessToken}` },
      query: SHARED_SELECTION,
      variables,
      federated: true,
    },
  ];
  return groups.filter((g) => g.count > 0);
}

/** As the gateway connects to the subgraph: the internal secret and the owner as viewer. */
export function subgraphAudience(count: number, a: LiveAudience, internalSecret: string): SubscriberGroup[] {
  const params: InternalConnectionParams = {
    internalSecret,
    viewer: encodeViewer({ kind: 'user', userId: a.owner.userId, roles: ['CUSTOMER'] }),
  };
  return [
    {
      label: 'owner, telemetry fields',
      count,
      connectionParams: params as unknown as Record<string, unknown>,
      query: SUBGRAPH_SELECTION,
      variables: { vehicleId: a.vehicleId },
      federated: false,
    },
  ];
}
