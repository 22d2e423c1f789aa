import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as federationInternals from '@apollo/federation-internals';
import { Supergraph, type Schema } from '@apollo/federation-internals';
import { Kind, parse, type DefinitionNode, type DocumentNode } from 'graphql';
import {
  OPERATION_CACHE_MAX,
  cachedOperationCount,
  installOperationCache,
  operationFromDocument,
} from './operation-cache.js';
import { originalComputeResponse, computeResponse } from './result-shaping.js';

const original = federationInternals.operationFromDocument;
const sdl = readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');

/** The document executeQueryPlan builds per request: the operation's node, then its fragments' nodes. */
const planDocument = (definitions: readonly DefinitionNode[]): DocumentNode => ({
  kind: Kind.DOCUMENT,
  definitions: [...definitions],
});

/** Each operation of a parsed file with the fragments of that file, as Apollo's operation context has them. */
function operationsOf(document: DocumentNode): DefinitionNode[][] {
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => [operation, ...fragments]);
}

describe('operation cache (executeQueryPlan’s operationFromDocument)', () => {
  let apiSchema: Schema;
  beforeEach(() => {
    // A new schema per test: the cache is per schema, so each test starts empty.
    apiSchema = Supergraph.build(sdl).apiSchema();
  });

  it('gives the same Operation as the original for every operation of test/operations, once per document', () => {
    const dir = join(__dirname, '..', 'test', 'operations');
    let count = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
      for (const definitions of operationsOf(parse(readFileSync(join(dir, file), 'utf8')))) {
        const first = operationFromDocument(apiSchema, planDocument(definitions), { validate: false });
        const expected = original(apiSchema, planDocument(definitions), { validate: false });
        expect(first.toString()).toBe(expected.toString());
        expect(first.variableDefinitions.toString()).toBe(expected.variableDefinitions.toString());
        // The next request builds a new document object around the same nodes.
        expect(operationFromDocument(apiSchema, planDocument(definitions), { validate: false })).toBe(first);
        count++;
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(cachedOperationCount(apiSchema)).toBe(Math.min(count, OPERATION_CACHE_MAX));
  });

  it('keeps nothing for another parse of the same text, other fragment nodes, another schema or other options', () => {
    const text = 'query V($id: ID!) { vehicle(id: $id) { ...F } } fragment F on Vehicle { id vin }';
    const [definitions] = operationsOf(parse(text));
    const first = operationFromDocument(apiSchema, planDocument(definitions!), { validate: false });
    const [reparsed] = operationsOf(parse(text));
    expect(operationFromDocument(apiSchema, planDocument(reparsed!), { validate: false })).not.toBe(first);
    const otherFragment = parse('fragment F on Vehicle { id make }').definitions[0]!;
    const mixed = operationFromDocument(apiSchema, planDocument([definitions![0]!, otherFragment]), {
      validate: false,
    });
    expect(mixed).not.toBe(first);
    expect(mixed.toString()).toContain('make');
    const otherSchema = Supergraph.build(sdl).apiSchema();
    expect(operationFromDocument(otherSchema, planDocument(definitions!), { validate: false })).not.toBe(first);
    const before = cachedOperationCount(apiSchema);
    for (const options of [undefined, {}, { validate: true }, { validate: false, operationName: 'V' }]) {
      const operation = operationFromDocument(apiSchema, planDocument(definitions!), options);
      expect(operation).not.toBe(first);
      expect(operation.toString()).toBe(first.toString());
    }
    expect(cachedOperationCount(apiSchema)).toBe(before);
  });

  it('throws what the original throws and keeps nothing for it', () => {
    const bad = parse('query { myVehicles { id ...F } } fragment F on NoSuchType { id }').definitions;
    for (let i = 0; i < 2; i++) {
      expect(() => operationFromDocument(apiSchema, planDocument(bad), { validate: false })).toThrow(
        'Unknown type "NoSuchType" for fragment "F"',
      );
    }
    expect(cachedOperationCount(apiSchema)).toBe(0);
  });

  it(`is bounded: past ${OPERATION_CACHE_MAX} documents the least recently used goes`, () => {
    const keep = operationsOf(parse('{ myVehicles { id } }'))[0]!;
    const kept = operationFromDocument(apiSchema, planDocument(keep), { validate: false });
    for (let i = 0; i < OPERATION_CACHE_MAX + 50; i++) {
      const [definitions] = operationsOf(parse(`{ myVehicles { id a${i}: vin } }`));
      operationFromDocument(apiSchema, planDocument(definitions!), { validate: false });
      // Used again and again, the first one stays.
      if (i % 100 === 0) expect(operationFromDocument(apiSchema, planDocument(keep), { validate: false })).toBe(kept);
    }
    expect(cachedOperationCount(apiSchema)).toBe(OPERATION_CACHE_MAX);
  });

  it('shapes responses through a shared Operation as Apollo does, request after request', () => {
    const [definitions] = operationsOf(parse('{ myVehicles { id vin make model health { score } } }'));
    const operation = operationFromDocument(apiSchema, planDocument(definitions!), { validate: false });
    for (const score of [1, null, 'not a number']) {
      const input = () => ({
        myVehicles: [{ __typename: 'Vehicle', id: 'v1', vin: 'V', make: 'M', model: 'X', health: { score } }],
      });
      const args = { operation, variables: {}, introspectionHandling: () => null };
      const ours = computeResponse({ ...args, input: input() });
      const apollo = originalComputeResponse({ ...args, input: input() });
      expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(apollo)));
    }
  });

  it('is what @apollo/gateway calls once installed', () => {
    installOperationCache();
    expect(federationInternals.operationFromDocument).toBe(operationFromDocument);
  });
});
