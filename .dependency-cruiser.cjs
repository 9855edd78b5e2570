// dependency-cruiser: the layering rules of docs/architecture.md, run by `npm run lint`
// (`npm run lint:deps` alone). It reads the TypeScript sources before compilation
// (tsPreCompilationDeps), so `import type` and `import { type X }` edges count: a cycle
// made only of types is still a cycle between modules, and it is how the runtime ones start.
//
// Layers, lowest first; each may import only the ones below it:
//   domain/      shared types and pure policy (deterministic: the workflow bundle includes it)
//   platform/    process plumbing of the Node side: config, payload codec and data converter,
//                logger, Temporal connection, field crypto (never imported by workflows/)
//   workflows/   deterministic workflow code and contracts (activities as types only)
//   activities/  all I/O, built by a factory that takes its clients and settings
//   worker/ api/ the two processes (api/ never imports worker/)
//   infra/ test/ the local stack and the tests
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (including type-only ones) make layers point both ways.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'activities-not-to-workflows',
      severity: 'error',
      comment:
        'Activities import no workflow module: shared types and pure policy live in domain/, ' +
        'and workflows import activities as types only (proxyActivities).',
      from: { path: '^activities/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'workflows-import-activities-as-types-only',
      severity: 'error',
      comment: 'Workflow code reaches activities through proxyActivities: their modules only as types.',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-not-to-processes',
      severity: 'error',
      comment: 'Workflow code is bundled into the sandbox: no process plumbing, worker, API or stack.',
      from: { path: '^workflows/' },
      to: { path: '^(platform|worker|api|infra)/' },
    },
    {
      name: 'activities-not-to-processes',
      severity: 'error',
      comment: 'Activities get their clients and settings from the worker (a factory), not by import.',
      from: { path: '^activities/' },
      to: { path: '^(worker|api|infra)/' },
    },
    {
      name: 'api-not-to-worker',
      severity: 'error',
      comment: 'The API imports no worker module: what both need lives in platform/.',
      from: { path: '^api/' },
      to: { path: '^worker/' },
    },
    {
      name: 'domain-imports-no-upper-layer',
      severity: 'error',
      comment: 'domain/ is the bottom layer: pure types and policy, nothing above it, no I/O.',
      from: { path: '^domain/' },
      to: { path: '^(activities|workflows|api|worker|infra|platform|test|console)/' },
    },
    {
      name: 'platform-imports-no-upper-layer',
      severity: 'error',
      comment: 'platform/ serves activities/, worker/ and api/; it imports only domain/.',
      from: { path: '^platform/' },
      to: { path: '^(activities|workflows|api|worker|infra|test|console)/' },
    },
    {
      name: 'product-not-to-test',
      severity: 'error',
      comment: 'Product code does not depend on the tests.',
      from: { path: '^(domain|platform|workflows|activities|worker|api|infra)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.data|dist|coverage|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
