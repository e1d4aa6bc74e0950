// ESLint flat config: typescript-eslint's recommended rules, plus the rule that keeps the
// vscode-free layers (core, clients, state, healer, shared) runnable in plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeFree = ['src/core/**', 'src/clients/**', 'src/state/**', 'src/healer/**', 'src/shared/**', 'src/platform/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'dist-vsix/**', '.test-artifacts/**', 'examples/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[property.name='innerHTML'][parent.type='AssignmentExpression']",
        message: 'Untrusted text goes in with textContent; never assign innerHTML.',
      }],
    },
  },
  {
    files: vscodeFree,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'This layer is vscode-free (unit-tested in plain Node): take what you need through an interface.', allowTypeImports: true }],
      }],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Webviews cannot import vscode.' }] }],
    },
  },
);
