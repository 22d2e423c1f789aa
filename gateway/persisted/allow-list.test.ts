import { parse, print, type OperationDefinitionNode } from 'graphql';
import { AllowList } from './allow-list.js';
import { operationHash } from './canonical.js';

const registered = parse('query Me { me { ...F } }\nfragment F on User { id }');
const op = (doc: ReturnType<typeof parse>) => doc.definitions[0] as OperationDefinitionNode;

describe('AllowList', () => {
  const manifest = { [operationHash(registered, op(registered))]: print(registered) };

  it('permits a registered operation whatever its whitespace, and nothing else', () => {
    const list = new AllowList({ manifest });
    const reformatted = parse('query Me{me{...F}} fragment F on User{id}');
    expect(list.permits('h1', reformatted, op(reformatted))).toBe(true);
    const other = parse('query Me { me { id email } }');
    expect(list.permits('h2', other, op(other))).toBe(false);
  });

  it('keeps a bounded number of verdicts', () => {
    const list = new AllowList({ manifest, cacheSize: 4 });
    for (let i = 0; i < 20; i++) {
      const doc = parse(`query Q${i} { me { id } }`);
      list.permits(`hash-${i}`, doc, op(doc));
    }
    expect(list.verdicts.size).toBe(4);
  });
});
