// All activities, built by a factory that takes its clients (mongoose models, twilio, mail transport).
import type { Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import type { Twilio } from 'twilio';
import { selectPolicy as choosePolicy, type PolicyCriteria, type PolicySet } from '../workflows/policy/sla';
import type { Models } from './models';
import { createNotificationActivities, type NotificationDeps } from './notifications';
import { createProjectionActivities } from './projection';
import type { ComplaintActivities } from './types';

export interface ActivityDeps {
  models: Models;
  twilio: Twilio;
  mailer: Transporter;
  logger: Logger;
  policySet: PolicySet;
  notification: NotificationDeps['config'];
}

export function createActivities(deps: ActivityDeps): ComplaintActivities {
  return {
    selectPolicy: async (criteria: PolicyCriteria) => choosePolicy(deps.policySet, criteria),
    ...createProjectionActivities(deps),
    ...createNotificationActivities({ ...deps, config: deps.notification }),
  };
}
