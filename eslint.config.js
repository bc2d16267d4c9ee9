import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Pure libraries must not reach into I/O layers (ARCHITECTURE.md).
    files: ['src/domain/**', 'src/ledger/**', 'src/fingerprint/**', 'src/provenance/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/routes/**', '**/services/**', '**/repositories/**', '**/db/**', 'kysely', 'fastify'] }],
    },
  },
);
