import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for tests, scripts and benchmarks, generated from the committed supergraph.
 * `npm run codegen` writes them; `npm run codegen:check` fails when they are stale.
 */
const config: CodegenConfig = {
  schema: 'schema/supergraph.graphql',
  documents: ['test/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
    // The allow-list production may enforce (GRAPHQL_PERSISTED_ONLY): every operation above, by hash.
    'gateway/persisted/manifest.json': { plugins: ['./scripts/codegen-persisted-manifest.cjs'] },
  },
};

export default config;
