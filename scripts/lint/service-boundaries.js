import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * ESLint rule `clutch/service-boundaries`: a service uses another service only through that
 * service's contract module (`<service>/contract.ts`: event names and payload schemas, internal
 * routes with a typed client, shared enums). Anything else of another service is its internals,
 * free to change without telling anyone.
 *
 * The services are the gateway (gateway/), the agents (agents/) and every folder under
 * subgraphs/, found by the path, so a new subgraph is covered the day its folder appears.
 * platform/ (the shared kernel) and test/ (test helpers) may be imported from anywhere; the
 * composition root (app/, subgraphs/registry.ts), scripts/ and bench/ are not services and may
 * import anything. Tests inside a service are held to the same rule: a test that needs several
 * services belongs in test/.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONTRACT = /^contract\.(js|ts)$/;

/** The service a file belongs to (`gateway`, `agents`, `subgraphs/<name>`), or null. */
export function serviceOf(file) {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === 'gateway' || parts[0] === 'agents') return { name: parts[0], rest: parts.slice(1) };
  if (parts[0] === 'subgraphs' && parts.length > 2) return { name: `subgraphs/${parts[1]}`, rest: parts.slice(2) };
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const serviceBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Import another service only through its contract module (<service>/contract.ts)' },
    schema: [],
    messages: {
      internals:
        "{{importer}} may use {{service}} only through {{service}}/contract.ts, not '{{source}}': " +
        'publish what is shared in that contract (or in platform/ when it belongs to no service).',
    },
  },
  create(context) {
    const importer = serviceOf(path.resolve(context.filename));
    if (!importer) return {};
    const check = (node) => {
      const source = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
      if (!source || !source.startsWith('.')) return;
      const target = serviceOf(path.resolve(path.dirname(path.resolve(context.filename)), source));
      if (!target || target.name === importer.name) return;
      if (target.rest.length === 1 && CONTRACT.test(target.rest[0])) return;
      context.report({ node, messageId: 'internals', data: { importer: importer.name, service: target.name, source } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default { rules: { 'service-boundaries': serviceBoundaries } };
