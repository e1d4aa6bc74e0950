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
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='innerHTML'][parent.type='AssignmentExpression']",
          message: 'Untrusted text goes in with textContent; never assign innerHTML.',
        },
      ],
    },
  },
  {
    files: vscodeFree,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'This layer is vscode-free (unit-tested in plain Node): take what you need through an interface.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // core is the innermost layer: domain types and pure logic, which every other layer maps onto. It may use
    // shared (the webview protocol's types) and, type-only, platform's small interfaces (Clock, MementoLike);
    // platform/lazyModules is allowed at runtime because it is only the lazy `require('yaml')` (a leaf with no
    // state, kept in one place so esbuild keeps every heavy package off the start-up path).
    files: ['src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'This layer is vscode-free (unit-tested in plain Node): take what you need through an interface.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            {
              group: [
                '../clients',
                '../clients/*',
                '../state',
                '../state/*',
                '../healer',
                '../healer/*',
                '../views',
                '../views/*',
                '../webviews',
                '../webviews/*',
                '../commands',
                '../commands/*',
                '../extension',
              ],
              message: 'core imports no other layer: define the domain type here and let the outer layer map onto it.',
            },
            {
              group: ['../platform/*', '!../platform/lazyModules'],
              allowTypeImports: true,
              message: 'core takes platform services only as types (injected); the one runtime exception is platform/lazyModules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Webviews cannot import vscode.' }] }],
    },
  },
);
