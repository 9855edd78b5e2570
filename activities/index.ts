// All activities, built by a factory that takes its clients (mongoose models, twilio, mail transport).
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import type { Twilio } from 'twilio';
import { selectPolicy as choosePolicy, type PolicyCriteria, type PolicySet } from '../domain/policy/sla';
import { createContactActivities } from './contact';
import type { ContactActivities } from './contact-types';
import { createEvidenceActivities, type NetworkSources } from './evidence';
import { createVipActivities, type VipActivities } from './vip';
import { createSignatureActivities, type SignatureActivities } from './signature';
import { createIncidentActivities, createIncidentModels, type IncidentActivities } from './incidents';
import type { EvidenceActivities } from './evidence/types';
import { createGuaranteeActivities } from './guarantee';
import { createHotDigestActivities, type HotDigestActivities } from './hot-complaints';
import type { GuaranteeActivities } from './guarantee-types';
import type { Models } from './models';
import { createNotificationActivities, type NotificationDeps } from './notifications';
import { timelineAuditor } from './audit';
import { createProjectionActivities } from './projection';
import { createReportActivities } from './reports/activities';
import { defaultReportConfig, type ReportConfig } from '../domain/reports/config';
import type { ReportActivities } from './reports/types';
import { createRepeatActivities } from './repeat';
import { createPrivacyActivities } from './privacy/activities';
import type { PrivacyActivities } from './privacy/types';
import type { ComplaintActivities } from './types';
import { createTmfEventActivities } from './tmf-events';
import { createTmfEventModels } from './tmf-events-models';
import type { TmfEventActivities } from './tmf-events-types';
import type { WorkOrderReplyTargets } from '../platform/tmf-events-config';

export interface ActivityDeps {
  models: Models;
  twilio: Twilio;
  mailer: Transporter;
  logger: Logger;
  /** Where the active SLA policy set comes from (activities/policy-store.ts). */
  policies: { active(): Promise<PolicySet> };
  notification: NotificationDeps['config'];
  /** Network data adapter for the evidence activities (NETWORK_DATA_SOURCE). */
  network: NetworkSources;
  /** Weekly and monthly reports (REPORT_*); default: Asia/Shanghai, to the interface people. */
  reports?: ReportConfig;
  /** Mass incidents (R8): the Temporal client the area watch is signalled with, and who is texted. */
  incidents?: {
    temporal: () => Promise<Client>;
    taskQueue: string;
    enabled: boolean;
    rolePhones: Record<string, string[]>;
  };
  /** TMF621 events and work-order replies (issue 19): attempts before DEAD, reply targets per channel. */
  tmfEvents?: {
    maxAttempts: number;
    targets: WorkOrderReplyTargets;
    /** the credential of a channel's reply endpoint */
    secret(channel: string): string | undefined;
  };
}

export function createActivities(
  deps: ActivityDeps,
): ComplaintActivities &
  ContactActivities &
  EvidenceActivities &
  ReportActivities &
  IncidentActivities &
  GuaranteeActivities &
  VipActivities &
  SignatureActivities &
  PrivacyActivities &
  HotDigestActivities &
  TmfEventActivities {
  const notifications = createNotificationActivities({ ...deps, config: deps.notification });
  return {
    selectPolicy: async (criteria: PolicyCriteria) => choosePolicy(await deps.policies.active(), criteria),
    ...createProjectionActivities({ ...deps, afterProject: timelineAuditor(deps) }),
    ...notifications,
    ...createRepeatActivities(deps),
    // The daily digest of the hot list (R4.7).
    ...createHotDigestActivities(deps),
    ...createContactActivities({ ...deps, config: deps.notification }),
    ...createEvidenceActivities({ sources: deps.network, logger: deps.logger }),
    ...createReportActivities({ ...deps, config: deps.reports ?? defaultReportConfig(deps.notification) }),
    ...createGuaranteeActivities({ ...deps, rolePhones: deps.incidents?.rolePhones ?? {} }),
    ...createVipActivities({ connection: deps.models.Complaint.db }),
    ...createSignatureActivities({
      ...deps,
      connection: deps.models.Complaint.db,
      config: deps.notification,
    }),
    // Retention and people's requests (issue 22, S8).
    ...createPrivacyActivities({
      models: deps.models,
      twilio: deps.twilio,
      temporal: deps.incidents?.temporal,
      namespace: deps.notification.namespace,
      policies: deps.policies,
      logger: deps.logger,
    }),
    ...createTmfEventActivities({
      models: createTmfEventModels(deps.models.Complaint.db),
      logger: deps.logger,
      maxAttempts: deps.tmfEvents?.maxAttempts ?? 12,
      targets: deps.tmfEvents?.targets ?? {},
      publicBaseUrl: deps.notification.publicBaseUrl,
      delivery: { secret: deps.tmfEvents?.secret ?? (() => undefined), timeoutMs: 10_000 },
    }),
    ...createIncidentActivities({
      ...deps,
      incidents: createIncidentModels(deps.models.Complaint.db),
      temporal:
        deps.incidents?.temporal ?? (() => Promise.reject(new Error('no Temporal client configured'))),
      taskQueue: deps.incidents?.taskQueue ?? 'complaints',
      enabled: deps.incidents?.enabled ?? false,
      rolePhones: deps.incidents?.rolePhones ?? {},
      sendEmail: notifications.sendEmail,
      notification: deps.notification,
    }),
  };
}
