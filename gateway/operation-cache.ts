import type { Operation, Schema } from '@apollo/federation-internals';
import * as apolloOperations from '@apollo/federation-internals/dist/operations.js';
import { Kind, type DefinitionNode, type DocumentNode } from 'graphql';

/*
 * @apollo/gateway's executeQueryPlan turns the client's operation into federation-internals'
 * Operation on every request (operationFromDocument with validate: false), only to shape the
 * response and read its variable definitions, though the operation and fragment nodes it is given
 * are those of the DocumentNode Apollo Server caches per query text. That conversion is the same
 * for the same nodes and schema, so it is kept, keyed on the schema and the operation node, and
 * used only while the fragment nodes are the same ones too; result shaping then compiles the
 * operation's selection sets once (result-shaping.ts). Any other call (another option, no
 * operation first, anything that throws) goes to the original unchanged, and nothing is kept
 * for it. An Operation is not changed by executing it, so requests can share one.
 */

type OperationFromDocument = (
  schema: Schema,
  document: DocumentNode,
  options?: { operationName?: string; validate?: boolean },
) => Operation;

// Under Node's ESM loader the namespace of a CommonJS module is frozen and its `default` is the
// module's exports object, which @apollo/federation-internals' index re-exports through a getter
// that executeQueryPlan.js reads on every call; under the tests' CommonJS transform the namespace
// is that object itself.
const operationsModule: { operationFromDocument: OperationFromDocument } =
  (apolloOperations as any).default ?? (apolloOperations as any);
const originalOperationFromDocument: OperationFromDocument = operationsModule.operationFromDocument;

/** Operations kept per schema at most; the least recently used goes first. */
export const OPERATION_CACHE_MAX = 512;

interface Entry {
  fragments: readonly DefinitionNode[];
  operation: Operation;
}

const bySchema = new WeakMap<Schema, Map<DefinitionNode, Entry>>();

/** How many operations are kept for `schema` (tests). */
export const cachedOperationCount = (schema: Schema): number => bySchema.get(schema)?.size ?? 0;

/** Replaces federation-internals' operationFromDocument with the cached one (idempotent). */
export function installOperationCache(): void {
  operationsModule.operationFromDocument = operationFromDocument as OperationFromDocument;
}

export function operationFromDocument(
  schema: Schema,
  document: DocumentNode,
  options?: { operationName?: string; validate?: boolean },
): Operation {
  const definitions = document.definitions;
  const head = definitions[0];
  if (!cacheable(options, definitions)) return originalOperationFromDocument(schema, document, options);
  let entries = bySchema.get(schema);
  if (entries === undefined) bySchema.set(schema, (entries = new Map()));
  const hit = entries.get(head!);
  if (hit !== undefined && sameFragments(hit.fragments, definitions)) {
    entries.delete(head!);
    entries.set(head!, hit);
    return hit.operation;
  }
  const operation = originalOperationFromDocument(schema, document, options);
  entries.delete(head!);
  if (entries.size >= OPERATION_CACHE_MAX) entries.delete(entries.keys().next().value!);
  entries.set(head!, { fragments: definitions.slice(1), operation });
  return operation;
}

/** Only executeQueryPlan's call: { validate: false }, the operation first, then its fragments. */
function cacheable(
  options: { operationName?: string; validate?: boolean } | undefined,
  definitions: readonly DefinitionNode[],
): boolean {
  if (options === undefined || options.validate !== false || options.operationName !== undefined) return false;
  for (const key in options) if (key !== 'validate') return false;
  if (definitions.length === 0 || definitions[0]!.kind !== Kind.OPERATION_DEFINITION) return false;
  for (let i = 1; i < definitions.length; i++) if (definitions[i]!.kind !== Kind.FRAGMENT_DEFINITION) return false;
  return true;
}

function sameFragments(kept: readonly DefinitionNode[], definitions: readonly DefinitionNode[]): boolean {
  if (kept.length !== definitions.length - 1) return false;
  for (let i = 0; i < kept.length; i++) if (kept[i] !== definitions[i + 1]) return false;
  return true;
}
