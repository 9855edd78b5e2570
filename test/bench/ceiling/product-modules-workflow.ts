// The memory ceiling's second bundle (test/bench/ceiling/memory-worker.ts): the sleeping workflow
// beside every product workflow, so that each cached workflow also evaluates the product's modules
// (as every cached complaint does) without running any of their logic.
export * from '../../../workflows';
export { sleepUntilWorkflow } from './timer-workflow';
