import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'public/**',
      'test-results/**',
      'screenshots/**',
      'out/**',
      'runs/**',
      '.tmpcheck/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The UI and the client store never touch tensors: all ML runs in the worker, reached only through
  // its message protocol. Type-only imports cross the fence (they are erased from the bundle).
  {
    files: ['src/ui/**', 'src/client/**', 'src/lessons/**', 'src/i18n/**', 'src/settings.ts', 'src/report.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'The UI never imports tfjs: talk to the worker through src/client.' },
            {
              group: ['**/model/*', '**/train/*', '**/distill/*'],
              allowTypeImports: true,
              message: 'The UI never imports the ML core (it pulls in tfjs); type-only imports are allowed.',
            },
            {
              group: ['**/worker/*', '!**/worker/protocol', '!**/worker/sweepProtocol', '!**/worker/labProtocol'],
              message:
                'The UI reaches the workers only through their message protocols (src/worker/protocol.ts, sweepProtocol.ts, labProtocol.ts), never their modules.',
            },
          ],
        },
      ],
    },
  },
  // The ML core runs in Node and in the worker: no DOM, no worker globals.
  {
    files: ['src/model/**', 'src/distill/**', 'src/train/**', 'src/data/**'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'postMessage', 'localStorage'],
    },
  },
);
