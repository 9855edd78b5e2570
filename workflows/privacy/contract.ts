// Contract of the privacy workflows (issue 22, S8): the retention sweep that a Temporal Schedule
// starts, and one workflow per request of a person (export or erase what is kept about a phone
// number). The API and the worker import this file; it holds no logic with side effects.
// No personal value ever goes into these workflows' inputs or results: the number of a request
// stays in MongoDB (privacy_requests.subject) and is dropped when the request ends.
import { defineQuery, type ActivityOptions } from '@temporalio/workflow';
import type { RetentionPolicy } from '../../domain/policy/retention';
import type {
  PrivacyRequestKind,
  PrivacyRequestStatus,
  SweepCursor,
  SweepTotals,
} from '../../domain/privacy';

// What the activities share with these workflows is domain (domain/privacy.ts), re-exported here.
export * from '../../domain/privacy';

export const PRIVACY_TASK_QUEUE = 'complaints';
export const RETENTION_SWEEP_WORKFLOW_TYPE = 'retentionSweepWorkflow';
export const PRIVACY_REQUEST_WORKFLOW_TYPE = 'privacyRequestWorkflow';
/** The Temporal Schedule of the sweep (created idempotently at worker start). */
export const RETENTION_SCHEDULE_ID = 'closedloop-retention-sweep';

/** How both privacy workflows call their activities; each adds the errors it does not retry. */
export function privacyActivityOptions(nonRetryableErrorTypes: string[]): ActivityOptions {
  return {
    startToCloseTimeout: '2m',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 10,
      nonRetryableErrorTypes,
    },
  };
}

export function privacyRequestWorkflowId(requestId: string): string {
  return `privacy-${requestId}`;
}

export interface SweepInput {
  /** Who started it: `schedule`, or the person who asked for a run now. */
  trigger?: string;
  /** Carried across continue-as-new. */
  cursor?: SweepCursor;
  totals?: SweepTotals;
}

export interface PrivacyRequestInput {
  requestId: string;
  kind: PrivacyRequestKind;
  requestedBy: string;
}

export interface PrivacyRequestResult extends PrivacyRequestStatus {
  exportBytes?: number;
}

export const privacyRequestStatusQuery = defineQuery<PrivacyRequestStatus>('privacyRequestStatus');

/** The retention policy as the sweep read it (carried in the result for the record). */
export type SweepPolicy = RetentionPolicy;
