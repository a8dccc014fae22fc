import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'coverage', 'src/lib/api/schema.d.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/features/*/*'],
              message: 'Import a feature through its public index, not its internals.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/features/auth/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/features/users*'], message: 'Features do not import each other.' }] }],
    },
  },
  {
    files: ['src/features/users/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/features/auth*'], message: 'Features do not import each other.' }] }],
    },
  },
);
