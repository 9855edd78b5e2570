// The index of the complaint workflow's named steps; each lives in the module of its concern.
export type { Ctx } from './ctx';
export { createCtx, setStage } from './ctx';
export { commit } from './projection';
export { drainMail, queueMail } from './mail';
export { acknowledgeIntake, detectRepeat, selectPolicy } from './intake';
export { runClock, stopNamedClock } from './clocks';
export { escalate, startClockRunner } from './escalation';
export { applyReply, reopen, replyThroughContact, type ContactOptions } from './reply';
export { careCallback } from './care';
export { gatherAndAttach } from './evidence';
