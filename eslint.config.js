import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import clutch from './scripts/lint/service-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.tools', '.data', 'test/generated', 'schema'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // A service uses another only through its contract (see scripts/lint/service-boundaries.js).
    files: ['gateway/**', 'agents/**', 'subgraphs/**'],
    plugins: { clutch },
    rules: { 'clutch/service-boundaries': 'error' },
  },
);
