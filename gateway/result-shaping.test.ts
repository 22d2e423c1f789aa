import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Supergraph,
  buildSchema,
  isAbstractType,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  operationFromDocument,
  possibleRuntimeTypes,
  type Operation,
  type Schema,
} from '@apollo/federation-internals';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import * as apolloResultShaping from '@apollo/gateway/dist/resultShaping.js';
import {
  computeResponse,
  installResultShaping,
  installedResultShaping,
  originalComputeResponse,
  resultShapingStats,
} from './result-shaping.js';

// Differential test: Apollo's computeResponse and ours on the same operations, variables and subgraph
// data, the data generated at random (seeded) with the faults result shaping exists for: nulls in
// non-null positions, missing fields, wrong or unknown __typename, invalid leaf values, non-lists and
// non-objects where Apollo asserts, skip/include variables that are missing or not booleans.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  /** Off for a third of the runs: only nullable nulls and missing fields, so whole trees get shaped. */
  faults = true;

  constructor(
    readonly schema: Schema,
    readonly random: () => number,
  ) {}

  chance(p: number): boolean {
    return this.random() < p;
  }

  fault(p: number): boolean {
    return this.faults && this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** Groups the fields of these selection sets (through every fragment) by response name. */
  fieldsOf(sets: any[]): Map<string, { definition: any; name: string; sets: any[] }> {
    const fields = new Map<string, { definition: any; name: string; sets: any[] }>();
    const visit = (set: any) => {
      for (const selection of set.selections()) {
        if (selection.kind === 'FieldSelection') {
          const element = selection.element;
          const key = element.responseName();
          const entry = fields.get(key) ?? { definition: element.definition, name: element.name, sets: [] as any[] };
          if (selection.selectionSet) entry.sets.push(selection.selectionSet);
          fields.set(key, entry);
        } else {
          visit(selection.selectionSet);
        }
      }
    };
    sets.forEach(visit);
    return fields;
  }

  typenameFor(type: any): unknown {
    const r = this.faults ? this.random() : 0.5;
    const runtime = possibleRuntimeTypes(type);
    if (r < 0.03) return 'NoSuchType';
    if (r < 0.06) return 'String';
    if (r < 0.08) return 5;
    if (r < 0.1) return '';
    if (r < 0.14) return this.pick(this.schema.objectTypes()).name;
    if (r < 0.17) return undefined;
    return this.pick(runtime).name;
  }

  object(type: any, sets: any[], depth: number): any {
    const out: any = {};
    const typename = this.typenameFor(type);
    if (typename !== undefined && (isAbstractType(type) || this.chance(0.6))) out.__typename = typename;
    for (const [responseName, field] of this.fieldsOf(sets)) {
      if (field.definition.isSchemaIntrospectionField() || this.chance(0.06)) continue;
      if (field.name === '__typename') {
        if (responseName !== '__typename' && this.chance(0.7)) {
          out[responseName] = this.chance(0.8)
            ? this.pick(possibleRuntimeTypes(type)).name
            : this.pick([null, 'Nope', 'String']);
        }
        continue;
      }
      out[responseName] = this.value(field.definition.type, field.sets, depth + 1);
    }
    return out;
  }

  value(type: any, sets: any[], depth: number): unknown {
    if (isNonNullType(type)) return this.fault(0.06) ? null : this.value(type.ofType, sets, depth);
    if (this.chance(0.12) || depth > 7) return null;
    if (isListType(type)) {
      if (this.fault(0.02)) return this.chance(0.5) ? 'not a list' : {};
      const length = Math.floor(this.random() * 4);
      return Array.from({ length }, () => this.value(type.ofType, sets, depth + 1));
    }
    if (isCompositeType(type)) {
      if (this.fault(0.02)) return this.pick(['not an object', 7, true]);
      if (this.fault(0.02)) return [];
      return this.object(type, sets, depth);
    }
    if (this.fault(0.1)) return this.pick([1.5, 12, -3, '12', 'x', true, false, { a: 1 }, [1], 1e21]);
    if (isCustomScalarType(type)) return this.pick(['2026-01-01T00:00:00Z', 42, { any: 'thing' }, [1, 2]]);
    if (isEnumType(type)) return this.pick(type.values).name;
    switch (type.name) {
      case 'Int':
        return Math.floor(this.random() * 1000) - 500;
      case 'Float':
        return this.random() * 100;
      case 'Boolean':
        return this.chance(0.5);
      case 'ID':
        return this.chance(0.8) ? `id-${Math.floor(this.random() * 1e6)}` : Math.floor(this.random() * 100);
      default:
        return `s-${Math.floor(this.random() * 1e6)}`;
    }
  }

  variables(definition: OperationDefinitionNode): Record<string, unknown> {
    const variables: Record<string, unknown> = {};
    for (const variable of definition.variableDefinitions ?? []) {
      const named = variable.type.kind === Kind.NON_NULL_TYPE ? variable.type.type : variable.type;
      if (named.kind !== Kind.NAMED_TYPE || named.name.value !== 'Boolean') continue;
      const r = this.random();
      if (r < 0.12) continue;
      variables[variable.variable.name.value] = r < 0.15 && this.faults ? 'yes' : r < 0.18 ? null : this.chance(0.5);
    }
    return variables;
  }
}

function introspectionStub() {
  let calls = 0;
  return (selection: any) => ({ introspected: String(selection), call: ++calls });
}

type Outcome = { threw: string } | { data: unknown; errors: unknown[] };

function outcome(fn: typeof computeResponse, args: Parameters<typeof computeResponse>[0]): Outcome {
  try {
    const { data, errors } = fn({ ...args, introspectionHandling: introspectionStub() });
    return {
      data,
      errors: errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions, name: e.name })),
    };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

interface Case {
  name: string;
  operation: Operation;
  definition: OperationDefinitionNode;
}

const stats = { cases: 0, threw: 0, withErrors: 0, nulled: 0, clean: 0 };

function compare(schema: Schema, { name, operation, definition }: Case, runs: number, seed: number): void {
  const generator = new Generator(schema, rng(seed));
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  for (let run = 0; run < runs; run++) {
    generator.faults = run % 3 !== 0;
    const input = generator.object(rootType, [operation.selectionSet], 0);
    delete input.__typename;
    const variables = generator.variables(definition);
    const args = { operation, variables, input, introspectionHandling: introspectionStub() };
    const before = resultShapingStats.fallbacks;
    const expected = outcome(originalComputeResponse, args);
    const actual = outcome(computeResponse, args);
    const fellBack = resultShapingStats.fallbacks !== before;
    try {
      expect(actual).toStrictEqual(expected);
      // Ours hands over to Apollo exactly when Apollo's own assertions throw.
      expect(fellBack).toBe('threw' in expected);
    } catch (error) {
      throw new Error(
        `${name} run ${run}: ${(error as Error).message}\nvariables ${JSON.stringify(variables)}\ninput ${JSON.stringify(input)}`,
        { cause: error },
      );
    }
    stats.cases++;
    if ('threw' in expected) stats.threw++;
    else {
      if (expected.errors.length > 0) stats.withErrors++;
      if (expected.data === null) stats.nulled++;
      if (expected.errors.length === 0) stats.clean++;
    }
  }
}

function casesOf(schema: Schema, document: DocumentNode, prefix: string): Case[] {
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((definition) => ({
      name: `${prefix}:${definition.name?.value ?? 'anonymous'}`,
      definition,
      // As executeQueryPlan builds it: the operation and the document's fragments, not validated again.
      operation: operationFromDocument(
        schema,
        { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] },
        { validate: false },
      ),
    }));
}

const SYNTHETIC_SDL = `
  scalar JSON
  enum Color { RED GREEN }
  interface Node { id: ID! }
  interface Named { name: String }
  type Car implements Node & Named { id: ID! name: String wheels: Int! color: Color parts: [[Part!]]! owner: Person }
  type Person implements Node & Named { id: ID! name: String age: Int friends: [Person] car: Car! }
  type Part { serial: String! weight: Float meta: JSON }
  union Thing = Car | Person | Part
  type Query {
    node(id: ID!): Node
    things: [Thing!]
    thing: Thing!
    me: Person!
    cars: [Car]!
    flag: Boolean
    version: String!
    ratio: Float
  }
  type Mutation { touch: Car! }
`;

const SYNTHETIC_OPERATIONS = `
  fragment P on Person { id name age }
  fragment C on Car { id wheels color parts { serial } }
  query Mixed($s: Boolean!, $i: Boolean = true) {
    me { id name @skip(if: $s) friends @include(if: $i) { id ...P } car { ...C } }
    things { __typename ... on Car { id wheels c: color } ... on Person { name age } ... on Node { id } }
    thing { ... on Named { name } ... on Part { serial weight meta } t: __typename }
  }
  query Merging($x: Boolean = false, $y: Boolean) {
    me { car { id } }
    me @include(if: $x) { car { name wheels owner { id } } friends { id } }
    m: me { id car { parts { weight } } }
    m: me @skip(if: $y) { name car { parts { serial meta } } }
    ... on Query @include(if: $y) { me { age friends { name } } }
  }
  query Introspecting { __typename version __schema { queryType { name } } __type(name: "Car") { name } t: __typename }
  query Literals { flag @skip(if: true) version @include(if: false) me @skip(if: false) { id } ratio @include(if: true) }
  query Lists { cars { id parts { serial weight } owner { friends { friends { id } } } } }
  query Nodes($id: ID!, $d: Boolean = false) {
    node(id: $id) {
      id
      __typename
      ... on Car @include(if: $d) { wheels parts { serial } }
      ... on Person @skip(if: $d) { age car { id } }
      ... on Named { name }
    }
  }
  query Typenames { me { kind: __typename id } thing { kind: __typename __typename } things { k: __typename } }
  query Spreads($f: Boolean!, $g: Boolean = true) {
    me { ...P @include(if: $f) car { ...C @skip(if: $g) } }
    things { ...P ...C ... on Part { serial } }
  }
  mutation Touch($h: Boolean = true) { touch { id wheels @include(if: $h) owner { ...P } } }
`;

describe('result shaping: ours against @apollo/gateway computeResponse', () => {
  afterAll(() => {
    // How much of each outcome the random data reached (visible with --verbose).
    console.log(`result-shaping differential: ${JSON.stringify(stats)}`);
  });

  it('gives the same data, errors and exceptions on every operation of test/operations against the API schema', () => {
    const sdl = readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');
    const apiSchema = Supergraph.build(sdl).apiSchema();
    const dir = join(__dirname, '..', 'test', 'operations');
    const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));
    let seed = 1;
    let operations = 0;
    for (const file of files) {
      for (const c of casesOf(apiSchema, parse(readFileSync(join(dir, file), 'utf8')), file)) {
        compare(apiSchema, c, 120, seed++);
        operations++;
      }
    }
    expect(operations).toBeGreaterThan(50);
  });

  it('gives the same results with abstract types, fragments, merged fields, aliases, nested lists and skip/include', () => {
    const schema = buildSchema(SYNTHETIC_SDL);
    const cases = casesOf(schema, parse(SYNTHETIC_OPERATIONS), 'synthetic');
    expect(cases).toHaveLength(9);
    let seed = 1000;
    for (const c of cases) compare(schema, c, 2500, seed++);
    // The random data did reach every outcome.
    expect(stats.threw).toBeGreaterThan(100);
    expect(stats.withErrors).toBeGreaterThan(1000);
    expect(stats.nulled).toBeGreaterThan(100);
    expect(stats.clean).toBeGreaterThan(5000);
  });

  it('shapes a list of vehicles as Apollo does without handing it to Apollo', () => {
    const schema = buildSchema(SYNTHETIC_SDL);
    const [lists] = casesOf(schema, parse('query { cars { id name wheels color parts { serial } } }'), 'cars');
    const cars = Array.from({ length: 20 }, (_, i) => ({
      id: `c${i}`,
      name: null,
      wheels: 4,
      color: 'RED',
      parts: [],
    }));
    const args = {
      operation: lists.operation,
      variables: {},
      input: { cars },
      introspectionHandling: introspectionStub(),
    };
    const before = { ...resultShapingStats };
    const ours = computeResponse(args);
    expect(resultShapingStats.fast).toBe(before.fast + 1);
    expect(resultShapingStats.fallbacks).toBe(before.fallbacks);
    expect(ours).toStrictEqual(originalComputeResponse(args));
    expect(ours.errors).toEqual([]);
  });

  it('is what @apollo/gateway executeQueryPlan calls once installed', () => {
    // executeQueryPlan.js calls resultShaping_1.computeResponse through the module object each time.
    const source = readFileSync(require.resolve('@apollo/gateway/dist/executeQueryPlan.js'), 'utf8');
    expect(source).toContain('(0, resultShaping_1.computeResponse)(');
    installResultShaping();
    expect(installedResultShaping()).toBe(computeResponse);
    expect(require('@apollo/gateway/dist/resultShaping.js').computeResponse).toBe(computeResponse);
    expect((apolloResultShaping as any).computeResponse).toBe(computeResponse);
  });
});
