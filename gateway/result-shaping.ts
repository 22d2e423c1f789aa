import {
  ERRORS,
  Variable,
  isCompositeType,
  isCustomScalarType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
  type FieldSelection,
  type Schema,
} from '@apollo/federation-internals';
import * as apolloResultShaping from '@apollo/gateway/dist/resultShaping.js';
import type { GraphQLError } from 'graphql';

/*
 * @apollo/gateway shapes every response (computeResponse, after the query plan ran) by walking the
 * operation's selection set once per object: for each field of each of the 20 vehicles of a list it
 * re-reads @skip/@include through appliedDirectivesOf, goes through federation-internals' re-export
 * getters for every type predicate and allocates an `{ updated }` object per field. That walk was
 * ~11 % of the gateway's CPU on the list-of-20 query. This is the same algorithm, step for step
 * (merging of fields already written, null bubbling, error messages and paths, __typename,
 * introspection, fragments), over the selection sets compiled once per request into plain descriptors
 * (skip/include, response names, type shapes, leaf checks; types cached per schema type). Anything it
 * does not expect (a failed assertion, a variable that is not a boolean, an exception from
 * introspection) makes it throw away its work and run Apollo's original, which then behaves exactly
 * as it always did. gateway/result-shaping.test.ts compares both on generated operations and data.
 */

type ComputeResponse = typeof apolloResultShaping.computeResponse;
type Args = Parameters<ComputeResponse>[0];
type Result = ReturnType<ComputeResponse>;
type Path = (string | number)[];

// Under Node's ESM loader the namespace of a CommonJS module is frozen and its `default` is the module's
// exports object, which executeQueryPlan.js reads computeResponse from on every call; under the tests'
// CommonJS transform the namespace is that object itself.
const shapingModule: { computeResponse: ComputeResponse } =
  (apolloResultShaping as any).default ?? (apolloResultShaping as any);
const originalComputeResponse: ComputeResponse = shapingModule.computeResponse;

/** How often the compiled walk handed a response to Apollo's original (tests and debugging). */
export const resultShapingStats = { fast: 0, fallbacks: 0 };

/** Replaces @apollo/gateway's computeResponse with ours (idempotent). */
export function installResultShaping(): void {
  shapingModule.computeResponse = computeResponse;
}

export function installedResultShaping(): ComputeResponse {
  return shapingModule.computeResponse;
}

export { originalComputeResponse };

const FALLBACK = Symbol('result-shaping-fallback');

interface TypeInfo {
  type: any;
  name: string;
  str: string;
  isObject: boolean;
  isComposite: boolean;
  /** typename → isSubtype(this, schema.type(typename)), for types used as type conditions. */
  subByName?: Map<string, boolean>;
  subByParent?: Map<TypeInfo, boolean>;
}

const NON_NULL = 0;
const LIST = 1;
const COMPOSITE = 2;
const LEAF = 3;

// Leaf shortcuts: a custom scalar accepts anything, a string is a valid String or ID, a boolean a valid
// Boolean; everything else asks federation-internals' isValidLeafValue as Apollo does.
const LEAF_OTHER = 0;
const LEAF_CUSTOM = 1;
const LEAF_STRINGY = 2;
const LEAF_BOOLEAN = 3;

interface TypeDesc {
  kind: number;
  str: string;
  of: TypeDesc | undefined;
  info: TypeInfo | undefined;
  type: any;
  leaf: number;
}

interface Condition {
  hasSkip: boolean;
  skipVar: string | null;
  skipLit: unknown;
  hasInclude: boolean;
  includeVar: string | null;
  includeLit: unknown;
}

interface FieldDesc {
  field: true;
  cond: Condition | null;
  responseName: string;
  introspection: boolean;
  typename: boolean;
  selection: FieldSelection;
  type: TypeDesc | undefined;
  sub: Sel[] | undefined;
}

interface FragmentDesc {
  field: false;
  cond: Condition | null;
  typeCondition: TypeInfo | undefined;
  sub: Sel[];
}

type Sel = FieldDesc | FragmentDesc;

const typeInfos = new WeakMap<object, TypeInfo>();
const typeDescs = new WeakMap<object, TypeDesc>();
const namedTypes = new WeakMap<Schema, Map<string, TypeInfo>>();

function infoOf(type: any): TypeInfo {
  let info = typeInfos.get(type);
  if (info === undefined) {
    info = {
      type,
      name: type.name,
      str: String(type),
      isObject: isObjectType(type),
      isComposite: isCompositeType(type),
    };
    typeInfos.set(type, info);
  }
  return info;
}

/** schema.type(name) as TypeInfo; unknown names are not remembered (they come from subgraph data). */
function typeNamed(schema: Schema, name: string): TypeInfo | undefined {
  let byName = namedTypes.get(schema);
  if (byName === undefined) namedTypes.set(schema, (byName = new Map()));
  let info = byName.get(name);
  if (info === undefined) {
    const type = schema.type(name);
    if (!type) return undefined;
    info = infoOf(type);
    byName.set(name, info);
  }
  return info;
}

function describeType(schema: Schema, type: any): TypeDesc {
  let desc = typeDescs.get(type);
  if (desc !== undefined) return desc;
  const str = String(type);
  if (isNonNullType(type)) {
    desc = { kind: NON_NULL, str, of: describeType(schema, type.ofType), info: undefined, type, leaf: 0 };
  } else if (isListType(type)) {
    desc = { kind: LIST, str, of: describeType(schema, type.ofType), info: undefined, type, leaf: 0 };
  } else if (isCompositeType(type)) {
    desc = { kind: COMPOSITE, str, of: undefined, info: infoOf(type), type, leaf: 0 };
  } else {
    const leaf = isCustomScalarType(type)
      ? LEAF_CUSTOM
      : type === schema.stringType() || type === schema.idType()
        ? LEAF_STRINGY
        : type === schema.booleanType()
          ? LEAF_BOOLEAN
          : LEAF_OTHER;
    desc = { kind: LEAF, str, of: undefined, info: undefined, type, leaf };
  }
  typeDescs.set(type, desc);
  return desc;
}

function conditionOf(schema: Schema, element: any): Condition | null {
  if (element.appliedDirectives.length === 0) return null;
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(schema.includeDirective())[0];
  if (!skip && !include) return null;
  const skipIf = skip ? skip.arguments().if : undefined;
  const includeIf = include ? include.arguments().if : undefined;
  return {
    hasSkip: !!skip,
    skipVar: skipIf instanceof Variable ? skipIf.name : null,
    skipLit: skipIf,
    hasInclude: !!include,
    includeVar: includeIf instanceof Variable ? includeIf.name : null,
    includeLit: includeIf,
  };
}

/**
 * Compiled once per Operation (`compiled`): operation-cache.ts gives every request for the same cached
 * document the same Operation; without it each request has its own and compiles its own. A field's
 * selection set belongs to that field alone; a named fragment's is shared by its spreads and compiled
 * once (`fragments`).
 */
function compileSet(schema: Schema, selectionSet: any, fragments: Map<object, Sel[]>): Sel[] {
  const sels: Sel[] = [];
  for (const selection of selectionSet.selections()) {
    const element = selection.element;
    const cond = conditionOf(schema, element);
    if (selection.kind === 'FieldSelection') {
      const definition = element.definition;
      const introspection = definition.isSchemaIntrospectionField();
      const typename = element.name === typenameFieldName;
      sels.push({
        field: true,
        cond,
        responseName: element.responseName(),
        introspection,
        typename,
        selection,
        type: introspection || typename ? undefined : describeType(schema, definition.type),
        sub: selection.selectionSet ? compileSet(schema, selection.selectionSet, fragments) : undefined,
      });
    } else {
      const set = selection.selectionSet;
      let sub = fragments.get(set);
      if (sub === undefined) fragments.set(set, (sub = compileSet(schema, set, fragments)));
      sels.push({
        field: false,
        cond,
        typeCondition: element.typeCondition ? infoOf(element.typeCondition) : undefined,
        sub,
      });
    }
  }
  return sels;
}

class Walk {
  /** Flags of the last shape() call; Apollo returns them in an object per field. */
  invalid = false;
  hasErrors = false;
  readonly path: Path = [];
  readonly errors: GraphQLError[] = [];

  constructor(
    readonly schema: Schema,
    readonly variables: Record<string, unknown>,
    readonly introspectionHandling: Args['introspectionHandling'],
  ) {}

  skipped(cond: Condition): boolean {
    if (cond.hasSkip && (cond.skipVar === null ? cond.skipLit : this.flag(cond.skipVar))) return true;
    if (cond.hasInclude && !(cond.includeVar === null ? cond.includeLit : this.flag(cond.includeVar))) return true;
    return false;
  }

  flag(name: string): boolean {
    const value = this.variables[name];
    if (typeof value !== 'boolean') throw FALLBACK;
    return value;
  }

  applies(typeCondition: TypeInfo | undefined, typename: unknown, parent: TypeInfo): boolean {
    if (typeCondition === undefined) return true;
    if (typename) {
      const byName = (typeCondition.subByName ??= new Map());
      let applies = byName.get(typename as string);
      if (applies === undefined) {
        const type = typeNamed(this.schema, typename as string);
        if (type === undefined) return false;
        applies = isSubtype(typeCondition.type, type.type);
        byName.set(typename as string, applies);
      }
      return applies;
    }
    const byParent = (typeCondition.subByParent ??= new Map());
    let applies = byParent.get(parent);
    if (applies === undefined) {
      applies = isSubtype(typeCondition.type, parent.type);
      byParent.set(parent, applies);
    }
    return applies;
  }

  /** Apollo's applySelectionSet: true when a null must bubble up to the parent. */
  apply(input: any, sels: Sel[], output: any, parent: TypeInfo): boolean {
    for (let i = 0; i < sels.length; i++) {
      const sel = sels[i];
      if (sel.cond !== null && this.skipped(sel.cond)) continue;
      if (sel.field) {
        const responseName = sel.responseName;
        const outputValue = output[responseName];
        if (sel.introspection) {
          if (outputValue === undefined) output[responseName] = this.introspectionHandling(sel.selection);
          continue;
        }
        let inputValue = Object.prototype.hasOwnProperty.call(input, responseName) ? input[responseName] : undefined;
        if (inputValue === undefined) inputValue = null;
        if (sel.typename) {
          if (outputValue === undefined) {
            if (inputValue === null && responseName !== typenameFieldName)
              inputValue = input[typenameFieldName] ?? null;
            const type =
              inputValue !== null && typeof inputValue === 'string'
                ? (typeNamed(this.schema, inputValue) ?? parent)
                : parent;
            if (!type.isObject) return true;
            output[responseName] = type.name;
          }
          continue;
        }
        this.path.push(responseName);
        output[responseName] = this.shape(outputValue, sel.type!, inputValue, sel.sub, parent);
        this.path.pop();
        if (this.invalid) return true;
      } else {
        const typename = input[typenameFieldName];
        if (typename && typeof typename !== 'string') throw FALLBACK;
        if (this.applies(sel.typeCondition, typename, parent)) {
          if (this.apply(input, sel.sub, output, sel.typeCondition ?? parent)) return true;
        }
      }
    }
    return false;
  }

  describeLast(typeStr: string, parent: TypeInfo): string {
    const element = this.path[this.path.length - 1];
    if (element === undefined) throw FALLBACK;
    return typeof element === 'string'
      ? `field ${parent.str}.${element}`
      : `array element of type ${typeStr} at index ${element}`;
  }

  error(message: string): void {
    this.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(this.path) }));
  }

  /** Apollo's updateOutputValue; returns `updated` and leaves isInvalid/hasErrors in this.invalid/hasErrors. */
  shape(outputValue: any, type: TypeDesc, inputValue: any, sub: Sel[] | undefined, parent: TypeInfo): any {
    if (inputValue === undefined) throw FALLBACK;
    if (outputValue === null || (outputValue !== undefined && sub === undefined)) {
      this.invalid = false;
      this.hasErrors = false;
      return outputValue;
    }
    if (type.kind === NON_NULL) {
      const updated = this.shape(outputValue, type.of!, inputValue, sub, parent);
      if (updated === null) {
        if (!this.hasErrors)
          this.error(`Cannot return null for non-nullable ${this.describeLast(type.of!.str, parent)}.`);
        this.invalid = true;
        this.hasErrors = true;
        return null;
      }
      this.invalid = false;
      this.hasErrors = false;
      return updated;
    }
    if (inputValue === null) {
      this.invalid = false;
      this.hasErrors = false;
      return null;
    }
    if (type.kind === LIST) {
      if (!Array.isArray(inputValue)) throw FALLBACK;
      if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) {
        throw FALLBACK;
      }
      const of = type.of!;
      const updated: unknown[] = [];
      let nullify = false;
      let hasErrors = false;
      for (let i = 0; i < inputValue.length; i++) {
        this.path.push(i);
        updated.push(
          this.shape(outputValue === undefined ? undefined : outputValue[i], of, inputValue[i], sub, parent),
        );
        this.path.pop();
        if (this.invalid) nullify = true;
        if (this.hasErrors) hasErrors = true;
      }
      this.invalid = false;
      this.hasErrors = hasErrors;
      return nullify ? null : updated;
    }
    if (type.kind === COMPOSITE) {
      if (sub === undefined || typeof inputValue !== 'object') throw FALLBACK;
      if (outputValue !== undefined && typeof outputValue !== 'object') throw FALLBACK;
      const inputTypename = inputValue[typenameFieldName];
      if (inputTypename !== undefined && typeof inputTypename !== 'string') throw FALLBACK;
      let objType = type.info!;
      if (inputTypename) {
        const named = typeNamed(this.schema, inputTypename);
        if (named === undefined || !named.isComposite) {
          this.error(`Invalid __typename found for object at ${this.describeLast(type.str, parent)}.`);
          this.invalid = false;
          this.hasErrors = true;
          return null;
        }
        objType = named;
      }
      const output = outputValue === undefined ? Object.create(null) : outputValue;
      const bubbled = this.apply(inputValue, sub, output, objType);
      this.invalid = false;
      this.hasErrors = bubbled;
      return bubbled ? null : output;
    }
    if (outputValue !== undefined) throw FALLBACK;
    const valid =
      type.leaf === LEAF_CUSTOM ||
      (type.leaf === LEAF_STRINGY && typeof inputValue === 'string') ||
      (type.leaf === LEAF_BOOLEAN && typeof inputValue === 'boolean') ||
      isValidLeafValue(this.schema, inputValue, type.type);
    if (!valid) this.error(`Invalid value found for ${this.describeLast(type.str, parent)}.`);
    this.invalid = false;
    this.hasErrors = !valid;
    return valid ? inputValue : null;
  }
}

/** Descriptors per Operation: nothing in them depends on a request's variables or data. */
const compiled = new WeakMap<object, Sel[]>();

function shapeFast({ operation, variables, input, introspectionHandling }: Args): Result {
  const schema = operation.schema();
  const walk = new Walk(
    schema,
    { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    introspectionHandling,
  );
  let sels = compiled.get(operation);
  if (sels === undefined) compiled.set(operation, (sels = compileSet(schema, operation.selectionSet, new Map())));
  const data = Object.create(null);
  const bubbled = walk.apply(input, sels, data, infoOf(schema.schemaDefinition.rootType(operation.rootKind)));
  return { data: bubbled ? null : data, errors: walk.errors };
}

/** Drop-in for @apollo/gateway's computeResponse (same arguments, same result). */
export function computeResponse(args: Args): Result {
  if (!args.input) return { data: args.input, errors: [] };
  try {
    const result = shapeFast(args);
    resultShapingStats.fast++;
    return result;
  } catch {
    // Whatever made the walk give up (FALLBACK or an exception), Apollo's original decides: it returns
    // the same result or throws the same error it always did.
    resultShapingStats.fallbacks++;
    return originalComputeResponse(args);
  }
}
