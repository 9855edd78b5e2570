// Every workflow the worker runs. The worker bundles this module.
export { complaintWorkflow } from './complaint/workflow';
