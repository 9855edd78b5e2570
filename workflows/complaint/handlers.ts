// The registry of the complaint workflow's handlers: each concern registers its own updates and
// signals (one line each, validators from domain/policy); the live view is the query.
import { setHandler } from '@temporalio/workflow';
import { registerCareHandlers } from './care';
import { registerClockHandlers } from './clocks';
import { registerContactWindowHandlers } from './contact-window';
import { getComplaintQuery } from './contract';
import type { Ctx } from './ctx';
import { registerEscalationHandlers } from './escalation';
import { registerEvidenceHandlers } from './evidence';
import { registerHandlingHandlers } from './handling';
import { registerIncidentHandlers } from './incident';
import { registerMajorHandlers } from './major';
import { registerOnSiteHandlers } from './onsite';
import { registerReplyHandlers } from './reply';
import { registerSignatureHandlers } from './signature';
import { toView } from './state';
import { registerTransferHandlers } from './transfer';

export function registerHandlers(ctx: Ctx): void {
  setHandler(getComplaintQuery, () => toView(ctx.state, Date.now()));
  registerTransferHandlers(ctx);
  registerHandlingHandlers(ctx);
  registerReplyHandlers(ctx);
  registerEscalationHandlers(ctx);
  registerClockHandlers(ctx);
  registerMajorHandlers(ctx);
  registerEvidenceHandlers(ctx);
  registerOnSiteHandlers(ctx);
  registerSignatureHandlers(ctx);
  registerIncidentHandlers(ctx);
  registerCareHandlers(ctx);
  registerContactWindowHandlers(ctx);
}
