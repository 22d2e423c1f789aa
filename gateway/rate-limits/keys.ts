import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Viewer } from '../../platform/auth/viewer.js';
import { clientIpKey } from '../../platform/ops/rate-limit-overrides.js';
import type { RateLimitRule } from './rules.js';

export type KeyKind = 'user' | 'apiKey' | 'device' | 'ip';

/** Whose counter an operation is charged to. `id` names no secret: never a token or a key. */
export interface CallerKey {
  kind: KeyKind;
  id: string;
}

/**
 * The counter key of a client IP. An IPv4-mapped address counts as its IPv4; an IPv6 address
 * counts by its /64, since one subscriber usually holds a whole /64 and could rotate through it
 * (clientIpKey, shared with whoever names a client in a block command).
 */
export function ipKey(clientIp: string | undefined): CallerKey {
  return { kind: 'ip', id: clientIpKey(clientIp) };
}

/** The signed-in user, API key or device; the client IP for anonymous callers. */
export function callerKey(viewer: Viewer | undefined, clientIp: string | undefined): CallerKey {
  switch (viewer?.kind) {
    case 'user':
      return { kind: 'user', id: viewer.userId };
    case 'apiKey':
      return { kind: 'apiKey', id: viewer.keyId };
    case 'device':
      return { kind: 'device', id: viewer.deviceId };
    default:
      return ipKey(clientIp);
  }
}

export const keyFor = (rule: RateLimitRule, viewer: Viewer | undefined, clientIp: string | undefined): CallerKey =>
  rule.keyBy === 'ip' ? ipKey(clientIp) : callerKey(viewer, clientIp);

const DEFAULT_ROOT_TYPES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * The operation's root field calls as `Type.field`, one entry per call (aliases make several),
 * looking through fragments (a field spread from a fragment is still called) and past @skip
 * (charged whether or not it runs).
 */
export function rootFields(
  schema: GraphQLSchema | undefined,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
): string[] {
  if (!operation) return [];
  const typeName = schema?.getRootType(operation.operation)?.name ?? DEFAULT_ROOT_TYPES[operation.operation];
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const fields: string[] = [];
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(`${typeName}.${selection.name.value}`);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return fields;
}
