import { parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { selectedFields } from '../../../platform/graphql/selected-fields.js';
import { vehicleDocumentFields } from './vehicle-projection.js';

/** `selectedFields` of the operation's first root field. */
function selectionOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition')
      .map((d) => [d.name.value, d]),
  );
  return selectedFields({ fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments });
}

describe('vehicleDocumentFields', () => {
  it('reads the fields a selection names, through fragments, aliases and conditions, not those of nested objects', () => {
    const selection = selectionOf(`{ myVehicles { label: vin ... on Vehicle { make @skip(if: true) } ...F ...F } }
      fragment F on Vehicle { id owner { id email } }`);
    expect([...selection].sort()).toEqual(['id', 'make', 'owner', 'vin']);
    expect(vehicleDocumentFields(selection)?.sort()).toEqual(['_id', 'make', 'ownerId', 'vin']);
    expect(vehicleDocumentFields(['__typename'])).toEqual([]);
  });

  it('reads whole documents for a field it does not know', () => {
    expect(vehicleDocumentFields(['id', 'devices'])).toBeNull();
    expect(vehicleDocumentFields(['vin', 'constructor'])).toBeNull();
    expect(vehicleDocumentFields(['__proto__'])).toBeNull();
  });
});
