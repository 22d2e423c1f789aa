import { execute, parse, type ExecutionResult } from 'graphql';
import type { Viewer } from '../platform/auth/viewer.js';
import type { Logger } from '../platform/logger.js';
import type { Subgraph } from '../platform/subgraph/serve-subgraph.js';

/**
 * The callers a subgraph's resolver tests ask as: the owner of `vehicleId`, another customer,
 * staff, the vehicle's OBD device and an API key of the owner without a vehicle scope.
 */
export function viewersOf(vehicleId: string) {
  return {
    OWNER: { kind: 'user', userId: 'owner', roles: ['CUSTOMER'] },
    STRANGER: { kind: 'user', userId: 'stranger', roles: ['CUSTOMER'] },
    STAFF: { kind: 'user', userId: 'staff', roles: ['STAFF'] },
    DEVICE: { kind: 'device', deviceId: 'd1', vehicleId },
    API_KEY: { kind: 'apiKey', keyId: 'k', ownerId: 'owner', scopes: ['users:read'] },
  } satisfies Record<string, Viewer>;
}

/**
 * Runs operations on a subgraph's own schema, without the gateway: `contextFor` builds the
 * context as serve-subgraph does, `run` answers as a client would see it (JSON: dates as ISO
 * strings, errors as { message, extensions }). `subgraph` is read at each call (it is created
 * in a beforeAll).
 */
export function subgraphExecution(subgraph: () => Subgraph, logger: Logger) {
  const contextFor = (viewer?: Viewer) => {
    const base = { viewer, requestId: 'test', logger };
    return { ...base, ...subgraph().context?.(base) };
  };
  const run = async (viewer: Viewer | undefined, source: string, variables: Record<string, unknown> = {}) =>
    JSON.parse(
      JSON.stringify(
        await execute({
          schema: subgraph().schema,
          document: parse(source),
          variableValues: variables,
          contextValue: contextFor(viewer),
        }),
      ),
    ) as ExecutionResult<any>;
  return { contextFor, run };
}

/** The `extensions.code` of each error of a result, in order. */
export const codes = (result: ExecutionResult) => (result.errors ?? []).map((e) => e.extensions?.code);
