import { readFileSync } from 'node:fs';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { SupergraphPlanner } from '../subscriptions/planner.js';
import { DEFAULT_TABS } from './default-tabs.js';

const api = new SupergraphPlanner(readFileSync('schema/supergraph.graphql', 'utf8')).apiGraphQLSchema;

const operationOf = (query: string) =>
  parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;

describe('the playground’s default tabs', () => {
  it('are sign in, live telemetry and decisions, in that order', () => {
    expect(DEFAULT_TABS.map((tab) => [operationOf(tab.query).operation, operationOf(tab.query).name?.value])).toEqual([
      ['mutation', 'SignIn'],
      ['subscription', 'LiveTelemetry'],
      ['query', 'Decisions'],
    ]);
    const roots = DEFAULT_TABS.map((tab) => (operationOf(tab.query).selectionSet.selections[0] as any).name.value);
    expect(roots).toEqual(['login', 'vehicleTelemetry', 'decisions']);
  });

  it.each(DEFAULT_TABS.map((tab) => [operationOf(tab.query).name!.value, tab] as const))(
    '%s is valid against the public supergraph',
    (_name, tab) => {
      expect(validate(api, parse(tab.query)).map((e) => e.message)).toEqual([]);
    },
  );

  it.each(DEFAULT_TABS.map((tab) => [operationOf(tab.query).name!.value, tab] as const))(
    "%s's variables are JSON giving every required variable and no undeclared one; it sets no headers",
    (_name, tab) => {
      const definitions = operationOf(tab.query).variableDefinitions ?? [];
      const declared = definitions.map((v) => v.variable.name.value);
      const required = definitions.filter((v) => v.type.kind === Kind.NON_NULL_TYPE).map((v) => v.variable.name.value);
      const given = Object.keys(JSON.parse(tab.variables ?? '{}'));
      expect(declared).toEqual(expect.arrayContaining(given));
      expect(given).toEqual(expect.arrayContaining(required));
      // A placeholder token would make every request fail; the sign-in tab says what to paste.
      expect(tab.headers).toBeUndefined();
    },
  );
});
