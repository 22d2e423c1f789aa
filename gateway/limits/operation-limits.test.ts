import { buildSchema, parse, validate } from 'graphql';
import { assertTokenLimit, countTokens, operationLimitRules } from './operation-limits.js';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
`);
const limits = { maxDepth: 5, maxAliases: 3, maxCost: 25, maxTokens: 50 };
const codes = (query: string) =>
  validate(schema, parse(query), operationLimitRules(limits)).map((e) =>
    e.originalError?.constructor.name === 'LimitError' ? (e.originalError as any).extensions.code : e.extensions.code,
  );

describe('operation limits', () => {
  it('accepts depth 5 and refuses depth 6 with QUERY_TOO_DEEP', () => {
    expect(codes('{ node { child { child { child { id } } } } }')).toEqual([]);
    expect(codes('{ node { child { child { child { child { id } } } } } }')).toContain('QUERY_TOO_DEEP');
  });

  it('accepts 3 aliases and refuses 4 with TOO_MANY_ALIASES', () => {
    expect(codes('{ a: node { id } b: node { id } c: node { id } }')).toEqual([]);
    expect(codes('{ a: node { id } b: node { id } c: node { id } d: node { id } }')).toContain('TOO_MANY_ALIASES');
  });

  it('accepts a 3-level query and refuses one costing 26.4 over a limit of 25 with QUERY_TOO_COMPLEX', () => {
    expect(codes('{ node { child { child { id } } } }')).toEqual([]);
    expect(codes('{ node { child { child { child { name id } } } } }')).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('counts tokens and stops counting just past the limit', () => {
    expect(countTokens('{ node { id } }', 50)).toBe(6);
    expect(countTokens(`{ ${'a '.repeat(100_000)} }`, 50)).toBe(51);
    expect(() => assertTokenLimit('{ node { id } }', 6)).not.toThrow();
    expect(() => assertTokenLimit('{ node { id } }', 5)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_TOKENS', limit: 5 }) }),
    );
  });
});
