import { createHash } from 'node:crypto';
import {
  Kind,
  print,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';

/*
 * The canonical text of an operation: the operation, then every fragment it uses (transitively)
 * by name, printed by graphql-js. scripts/codegen-persisted-manifest.cjs prints the allow-list's
 * entries the same way, so a client's document matches whatever its whitespace or order.
 */
export function canonicalText(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>) {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (used.has(name) || !fragment) return;
        used.set(name, fragment);
        walk(fragment);
      },
    });
  walk(operation);
  const ordered = [...used.keys()].sort().map((name) => used.get(name)!);
  return print({ kind: Kind.DOCUMENT, definitions: [operation, ...ordered] });
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The canonical hash of the operation a request runs (`operation`, from `document`). */
export function operationHash(document: DocumentNode, operation: OperationDefinitionNode): string {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return sha256(canonicalText(operation, fragments));
}
