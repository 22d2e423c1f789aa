import { composeServices } from '@apollo/composition';
import type { ServiceDefinition } from '@apollo/federation-internals';

/**
 * A composition hint that is known and wanted. Hints flag merges the subgraphs did not agree on
 * (an enum whose values differ, a field typed differently): each one changes what clients see
 * in a way no single subgraph asked for, so composition fails on any hint not listed here.
 */
export type AcceptedHint = {
  /** The hint's code, e.g. `INCONSISTENT_DESCRIPTION`. */
  code: string;
  /** Why the merge is right; reviewed like code. */
  reason: string;
} & (
  | { /** The schema coordinate the hint is about, e.g. `Vehicle.health` or `Severity.LOW`. */ coordinate: string }
  | { /** A fragment of the hint's message, for hints without a coordinate. */ message: string }
);

type CompositionHint = NonNullable<ReturnType<typeof composeServices>['hints']>[number];

const matches = (hint: CompositionHint, accepted: AcceptedHint) =>
  hint.definition.code === accepted.code &&
  ('coordinate' in accepted ? hint.coordinate === accepted.coordinate : hint.message.includes(accepted.message));

const describe = (hint: CompositionHint) =>
  `[${hint.definition.code}${hint.coordinate ? ` ${hint.coordinate}` : ''}] ${hint.message}`;

export class CompositionFailure extends Error {
  constructor(readonly problems: string[]) {
    super(`composition failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Composes the supergraph, failing on errors, on hints not accepted and on accepted hints that
 * composition no longer produces (so the list only holds what is still true).
 */
export function composeSupergraph(services: ServiceDefinition[], accepted: readonly AcceptedHint[]): string {
  const result = composeServices(services);
  if (result.errors) throw new CompositionFailure(result.errors.map((e) => e.message));
  const hints = result.hints ?? [];
  const unaccepted = hints.filter((hint) => !accepted.some((a) => matches(hint, a)));
  const stale = accepted.filter((a) => !hints.some((hint) => matches(hint, a)));
  const problems = [
    ...unaccepted.map(
      (hint) =>
        `${describe(hint)}\n    fix the subgraphs, or list it with a reason in scripts/accepted-composition-hints.ts`,
    ),
    ...stale.map((a) => `accepted hint ${JSON.stringify(a)} is no longer produced: remove it from the list`),
  ];
  if (problems.length > 0) throw new CompositionFailure(problems);
  return result.supergraphSdl;
}
