// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * One dependency direction: plugins and service modules build on the toolkit, never the other
 * way. ESLint matches import strings, not resolved paths, so each depth under src/toolkit gets
 * the `../` count that reaches src/ (`../plugins` from src/toolkit/runtime is the toolkit's own).
 */
const toolkitLayerRules = [1, 2, 3, 4, 5, 6].map((depth) => ({
  files: [`src/toolkit/${'*/'.repeat(depth - 1)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth}}(plugins|modules)(/|$)|^(\\.\\./){${depth + 1},}src/(plugins|modules)(/|$)|^src/(plugins|modules)(/|$)`,
            message:
              'src/toolkit must not import src/plugins or src/modules: depend on a port in src/toolkit/ports (or take it as an option) and let the plugin provide it.',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-tools/**',
      'coverage/**',
      'data/**',
      'src/gen/**',
      'test/gen/**',
      'tools/protoc-gen-toolkit/gen/**',
      'tools/**/__golden__/**',
      'bench/results/**',
      'eslint.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...toolkitLayerRules,
  {
    // Nest's Logger is static, one per process: with several services in one process its lines
    // cannot say which service wrote them. Inject the app's ToolkitLogger instead.
    files: ['src/toolkit/**/*.ts', 'src/plugins/**/*.ts', 'src/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Logger']",
          message:
            "Nest's Logger is process-global: inject the app's ToolkitLogger (logger.forContext(name)).",
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**', 'tools/**'],
    rules: { 'no-console': 'off' },
  },
);
