// A graphql-codegen plugin: the allow-list of persisted operations (sha256 → text), one entry per
// operation in the documents codegen already reads, each printed canonically (the operation,
// then the fragments it uses, by name) exactly as gateway/persisted/canonical.ts prints a request.
const { createHash } = require('node:crypto');
const { print, visit, Kind } = require('graphql');

function canonicalText(operation, fragments) {
  const used = new Map();
  const walk = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name) || !fragments.has(name)) return;
        used.set(name, fragments.get(name));
        walk(fragments.get(name));
      },
    });
  walk(operation);
  const ordered = [...used.keys()].sort().map((name) => used.get(name));
  return print({ kind: Kind.DOCUMENT, definitions: [operation, ...ordered] });
}

module.exports = {
  plugin(_schema, documents) {
    const definitions = documents.flatMap((d) => d.document.definitions);
    const fragments = new Map(
      definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const entries = definitions
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => {
        const text = canonicalText(operation, fragments);
        return [createHash('sha256').update(text).digest('hex'), text];
      })
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
  },
};
