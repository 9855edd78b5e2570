// ESLint (flat config): typescript-eslint with type information for no-floating-promises,
// and Temporal's determinism rules for workflows/ and domain/ (which the workflow bundle includes):
// no Node built-ins, no I/O libraries. The layering and the no-cycle rule are dependency-cruiser's
// (.dependency-cruiser.cjs), run by `npm run lint` too.
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

const nonDeterministicImports = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...ioModules,
].map((name) => ({
  name,
  message: 'Workflow code must be deterministic: no Node built-ins or I/O libraries (use an activity).',
}));

const workflowTimerGlobals = [
  { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
  { name: 'setInterval', message: 'Use a workflow timer.' },
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
          paths: nonDeterministicImports,
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
      'no-restricted-globals': ['error', ...workflowTimerGlobals],
    },
  },
  {
    // Shared types and pure policy: bundled into the workflows, so as deterministic as they are,
    // and plain TypeScript (no Temporal API: the workflow calls the policy, not the other way).
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nonDeterministicImports,
          patterns: [{ group: ['@temporalio/*'], message: 'domain/ is plain TypeScript: no Temporal API.' }],
        },
      ],
      'no-restricted-globals': ['error', ...workflowTimerGlobals],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
