// A person's request about their personal data (issue 22, S8.2): find everything kept about a
// phone number, then export it as one JSON document or erase it — except what a legal hold keeps
// (an open complaint, a dispute-prone one). Every step is an activity and an entry in the
// request's own audit chain. The number itself never enters this workflow: the activities read it
// from the request's record by its id, and the record drops it when the request is done.
import { ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PrivacyActivities } from '../../activities/privacy/types';
import { COMPLAINT_DATA_KINDS } from '../../domain/policy/retention';
import {
  privacyRequestStatusQuery,
  type PrivacyRequestInput,
  type PrivacyRequestResult,
  type PrivacyRequestStatus,
  privacyActivityOptions,
} from './contract';

const data = proxyActivities<PrivacyActivities>(privacyActivityOptions(['RequestNotFound', 'SubjectGone']));

export async function privacyRequestWorkflow(input: PrivacyRequestInput): Promise<PrivacyRequestResult> {
  const { requestId } = input;
  const status: PrivacyRequestStatus = {
    requestId,
    kind: input.kind,
    state: 'RECEIVED',
    erased: [],
    held: [],
  };
  setHandler(privacyRequestStatusQuery, () => status);

  let seq = 0;
  /** One entry of the request's audit trail; the key makes a retried activity append it once. */
  const step = (action: string, detail: string) =>
    data.recordRequestStep({
      requestId,
      key: `${requestId}:${(seq += 1)}`,
      at: new Date(Date.now()).toISOString(),
      by: input.requestedBy,
      action,
      detail,
      state: status.state,
    });

  let exportBytes: number | undefined;
  try {
    status.state = 'FINDING';
    const found = await data.findPersonalData({ requestId });
    status.found = found;
    await step(
      'FOUND',
      `${found.complaints.length} complaints, ${found.contacts} contacts, ${found.outbox} messages, ` +
        `${found.recordings} recordings, ${found.signatures} signatures, ${found.auditEntries} audit entries, ` +
        `${found.workflows} workflows, VIP profile: ${found.vipProfile ? 'yes' : 'no'}`,
    );

    if (input.kind === 'EXPORT') {
      status.state = 'EXPORTING';
      const out = await data.exportPersonalData({ requestId });
      exportBytes = out.bytes;
      await step('EXPORTED', `one JSON document, ${out.bytes} bytes, kept until ${out.expiresAt}`);
    } else {
      status.state = 'ERASING';
      for (const c of found.complaints) {
        if (c.hold) {
          status.held.push({ ticketId: c.ticketId, reason: c.hold });
          await step('HELD', `${c.ticketId}: ${c.hold}`);
          continue;
        }
        const r = await data.eraseComplaintData({
          ticketId: c.ticketId,
          kinds: [...COMPLAINT_DATA_KINDS],
          cause: { type: 'request', ref: requestId, by: input.requestedBy },
        });
        if (r.skipped) {
          status.held.push({ ticketId: c.ticketId, reason: r.skipped });
          await step('HELD', `${c.ticketId}: ${r.skipped}`);
          continue;
        }
        status.erased.push(c.ticketId);
        const counts = Object.entries(r.removed)
          .map(([store, n]) => `${store} ${n}`)
          .join(', ');
        await step('ERASED', `${c.ticketId}: ${counts}; ${r.workflowsDeleted} workflow executions deleted`);
      }
      const rest = await data.eraseSubjectData({
        requestId,
        heldTickets: status.held.map((h) => h.ticketId),
      });
      await step(
        'ERASED_SUBJECT',
        Object.entries(rest)
          .map(([store, n]) => `${store} ${n}`)
          .join(', '),
      );
    }
    status.state = 'DONE';
    // The trail's last step first: the request shows DONE only once its trail is complete.
    await step(
      'DONE',
      input.kind === 'EXPORT' ? 'export ready' : 'erasure done; the number is no longer kept',
    );
    await data.finishRequest({ requestId, status });
  } catch (err) {
    status.state = 'FAILED';
    const message = err instanceof Error ? err.message : String(err);
    await step('FAILED', message);
    await data.finishRequest({ requestId, status, error: message });
    throw ApplicationFailure.create({ type: 'PrivacyRequestFailed', message, nonRetryable: true });
  }
  return { ...status, ...(exportBytes !== undefined ? { exportBytes } : {}) };
}
