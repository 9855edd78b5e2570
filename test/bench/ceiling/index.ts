// Workflows of the benchmark's own worker (the ceiling runs), bundled with workflowsPath.
export { minimalWorkflow } from './minimal-workflow';
