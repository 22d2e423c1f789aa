import { parse } from 'graphql';
import { ACCEPTED_COMPOSITION_HINTS } from './accepted-composition-hints.js';
import { composeSupergraph, CompositionFailure, type AcceptedHint } from './composition-hints.js';

const subgraph = (name: string, sdl: string) => ({
  name,
  url: `http://${name}.test/graphql`,
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n${sdl}`),
});

// Two teams each call their own scale "Risk"; composition merges them into one enum with every value.
const mergedEnum = [
  subgraph('agents', 'type Query { actionRisk: Risk! }\nenum Risk { LOW MEDIUM HIGH }'),
  subgraph('health', 'type Query { insuranceRisk: Risk! }\nenum Risk { LOW MODERATE HIGH }'),
];

const failure = (run: () => unknown): CompositionFailure => {
  try {
    run();
  } catch (error) {
    if (error instanceof CompositionFailure) return error;
    throw error;
  }
  throw new Error('composition passed');
};

it('fails on an enum merged from two subgraphs with different values, naming each value', () => {
  const error = failure(() => composeSupergraph(mergedEnum, []));
  expect(error.problems).toHaveLength(2);
  expect(error.message).toContain('[INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM Risk.MEDIUM]');
  expect(error.message).toContain('[INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM Risk.MODERATE]');
  expect(error.message).toContain('accepted-composition-hints.ts');
});

it('passes when every hint is accepted with a reason', () => {
  const accepted: AcceptedHint[] = [
    { code: 'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM', coordinate: 'Risk.MEDIUM', reason: 'test: one scale' },
    { code: 'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM', message: '"MODERATE" of enum type "Risk"', reason: 'test' },
  ];
  const supergraph = composeSupergraph(mergedEnum, accepted);
  expect(supergraph).toMatch(/enum Risk[^}]*MEDIUM[^}]*MODERATE/);
});

it('fails when only some of the hints are accepted', () => {
  const accepted: AcceptedHint[] = [
    { code: 'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM', coordinate: 'Risk.MEDIUM', reason: 'test' },
  ];
  const error = failure(() => composeSupergraph(mergedEnum, accepted));
  expect(error.problems).toEqual([expect.stringContaining('Risk.MODERATE')]);
});

it('fails on an accepted hint that composition no longer produces', () => {
  const distinct = [
    subgraph('agents', 'type Query { actionRisk: ActionRisk! }\nenum ActionRisk { LOW MEDIUM HIGH }'),
    subgraph(
      'health',
      'type Query { insuranceRisk: InsuranceRiskLevel! }\nenum InsuranceRiskLevel { LOW MODERATE HIGH }',
    ),
  ];
  expect(composeSupergraph(distinct, [])).toContain('enum ActionRisk');
  const stale: AcceptedHint = {
    code: 'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM',
    coordinate: 'Risk.MEDIUM',
    reason: 'x',
  };
  expect(failure(() => composeSupergraph(distinct, [stale])).message).toContain('no longer produced');
});

it('fails on composition errors', () => {
  const clash = [subgraph('a', 'type Query { x: Int }'), subgraph('b', 'type Query { x: String }')];
  expect(failure(() => composeSupergraph(clash, [])).problems.length).toBeGreaterThan(0);
});

it('gives a reason for every accepted hint in the real list', () => {
  for (const hint of ACCEPTED_COMPOSITION_HINTS) expect(hint.reason.trim().length).toBeGreaterThan(10);
});
