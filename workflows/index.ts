// Every workflow the worker runs. The worker bundles this module.
import { WORKFLOW_STACK_FRAMES } from './stack-frames';
export { complaintWorkflow } from './complaint/workflow';
export { customerContactWorkflow } from './contact/workflow';
export { reportRollupsWorkflow, reportWorkflow } from './report/workflow';
export { areaWatchWorkflow } from './incident/watch';
export { massIncidentWorkflow } from './incident/workflow';
export { guaranteeAreaWorkflow } from './guarantee/workflow';
export { retentionSweepWorkflow } from './privacy/sweep';
export { privacyRequestWorkflow } from './privacy/request';
export { hotDigestWorkflow } from './hot-digest/workflow';

// The workflow sandbox's stack-frame limit (issue 23; why in stack-frames.ts). The worker preloads
// this module (worker/workflow-bundle.ts), so it runs before the SDK freezes the sandbox's globals;
// a worker that does not (a benchmark's bundle evaluating it per workflow) finds Error frozen and
// keeps V8's limit rather than failing every workflow task.
if (!Object.isFrozen(Error)) Error.stackTraceLimit = WORKFLOW_STACK_FRAMES;
