import { isIPv6 } from 'node:net';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Viewer } from '../../platform/auth/viewer.js';
import type { RateLimitRule } from './rules.js';

export type KeyKind = 'user' | 'apiKey' | 'device' | 'ip';

/** Whose counter an operation is charged to. `id` names no secret: never a token or a key. */
export interface CallerKey {
  kind: KeyKind;
  id: string;
}

/** The prefix that fills the first 64 bits of an IPv6 address, normalised ("2001:db8:0:1"). */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  // An embedded IPv4 (::1.2.3.4) fills two groups.
  const width = (part: string[]) => part.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const full =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0'), ...groups(tail)];
  return full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':');
}

/**
 * The counter key of a client IP. An IPv4-mapped address counts as its IPv4; an IPv6 address
 * counts by its /64, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function ipKey(clientIp: string | undefined): CallerKey {
  const ip = clientIp?.split('%')[0]?.trim();
  if (!ip) return { kind: 'ip', id: 'unknown' };
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return { kind: 'ip', id: mapped[1]! };
  return { kind: 'ip', id: isIPv6(ip) ? `${ipv6Prefix64(ip)}::/64` : ip };
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
