// Lint (`npm run lint`, part of `npm test`): typescript-eslint's strict type-checked and stylistic
// type-checked sets over every TypeScript file, with types from tsconfig.json; layout is Prettier's
// alone (.prettierrc), so no rule here is about it. A rule is configured or off only with its reason.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// strictTypeChecked's options for these two rules: given options start from the rules' own, looser, defaults.
const strictTemplates = { allowAny: false, allowBoolean: false, allowNever: false, allowNullish: false, allowRegExp: false };
const strictPlus = { allowAny: false, allowBoolean: false, allowNullish: false, allowNumberAndString: false, allowRegExp: false };

export default defineConfig(
  {
    ignores: ['dist/**', 'coverage/**', '.cache/**', '.data/**', 'node_modules/**', 'spec/wes-api.d.ts', 'test/fixtures/cwl-v1.2/**'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Numbers print in messages as meant; nullish, objects and `any` still do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { ...strictTemplates, allowNumber: true }],
      // `() => resolve(x)` callbacks stay one line; `return voidCall()` in a body is still caught.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `Array<{ ... }>` reads better than `{ ... }[]` for object and union types.
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // NestJS modules are decorated classes with no members of their own.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // The same convention as tsc's noUnusedParameters: a name starting with _ is meant unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `.catch((err: unknown) => ... Promise.reject(err))` passes on what was caught, as `throw err` may.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // An async method that does not await still turns a throw into a rejection, which callers of
      // an interface returning a Promise rely on (providers, codecs, stores).
      '@typescript-eslint/require-await': 'off',
      // NestJS's and TypeORM's option types are declared as classes but are meant to be object literals.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // A package's public API only: its dist/ or lib/ internals change without notice.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(@[^/]+/)?[^/.][^/]*/(dist|lib)(/|$)', message: 'import from the package itself, not its internals' }] },
      ],
    },
  },
  {
    // Tests read responses whose typings are `any` (supertest's body, JSON.parse) and check their
    // shape with expect; a cast would check nothing more. `x!` in a test fails it at that line.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { ...strictTemplates, allowNumber: true, allowAny: true }],
      '@typescript-eslint/restrict-plus-operands': ['error', { ...strictPlus, allowAny: true }],
    },
  },
  {
    // The few plain CommonJS scripts (bin/, jest configs, cluster helpers) are outside tsconfig.json.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
);
