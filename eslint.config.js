// ESLint (flat config): typescript-eslint with type information for no-floating-promises,
// and Temporal's determinism rules for workflows/: no Node built-ins, no I/O libraries.
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const ioModules = [
  'mongoose',
  'mongodb',
  'twilio',
  'nodemailer',
  'express',
  'pino',
  'zod',
  'axios',
  'undici',
  'smtp-server',
  'mailparser',
];

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      'test-results/**',
      'coverage/**',
      'dist/**',
      'console/dist/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...ioModules].map((name) => ({
            name,
            message:
              'Workflow code must be deterministic: no Node built-ins or I/O libraries (use an activity).',
          })),
          patterns: [
            {
              group: ['../../activities/*', '../activities/*', '!../../activities/types'],
              message: 'Import activities as types only, through proxyActivities.',
              allowTypeImports: true,
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Not available in workflow code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use a workflow timer.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
