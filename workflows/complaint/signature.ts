// The customer's signature as the evidence of their final opinion (R5.5): a one-time link by SMS to
// a page where they read the result, answer satisfied or not, and sign. The wait has a deadline and
// an explicit EXPIRED result; a signed answer is the customer's confirmed final reply.
import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { SignatureActivities } from '../../activities/signature';
import { complaintWorkflowId, type SignatureCapturedInput, type SignatureRequest } from './contract';
import { record } from './state';
import { applyReply, type Ctx } from './steps';

const acts = proxyActivities<SignatureActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** How long the link works. */
export const SIGNATURE_LINK_MS = 48 * 3_600_000;

export async function runSignatureRequest(ctx: Ctx, req: SignatureRequest): Promise<void> {
  const { state } = ctx;
  try {
    await acts.requestSignature({
      ticketId: state.ticketId,
      workflowId: complaintWorkflowId(state.ticketId),
      round: req.round,
      to: state.input.numbers.callback,
      language: state.input.customer.language,
      message: req.message,
      expiresAt: req.expiresAt,
    });
    record(
      state,
      { actor: 'system', action: 'SIGNATURE_LINK_SENT', detail: `round ${req.round}` },
      Date.now(),
    );
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    req.status = 'FAILED';
    record(
      state,
      { actor: 'system', action: 'SIGNATURE_LINK_FAILED', detail: err.cause?.message },
      Date.now(),
    );
    state.dirty = true;
    return;
  }
  state.dirty = true;
  const signed = await condition(
    () => req.status !== 'WAITING',
    Math.max(Date.parse(req.expiresAt) - Date.now(), 1),
  );
  if (!signed) {
    req.status = 'EXPIRED';
    record(state, { actor: 'system', action: 'SIGNATURE_EXPIRED', detail: `round ${req.round}` }, Date.now());
    if (state.stage === 'REPLYING' && !state.replies.some((r) => r.kind === 'FINAL' && r.counts))
      state.stage = 'RESOLVED';
    state.dirty = true;
  }
}

/** The page stored the signature: kept as evidence, and the answer is the confirmed final reply. */
export function onSignatureCaptured(ctx: Ctx, input: SignatureCapturedInput): void {
  const { state } = ctx;
  const req = state.signatureRequests?.find((r) => r.requestId === input.requestId && r.status === 'WAITING');
  if (!req) return;
  req.status = 'SIGNED';
  req.answer = input.answer;
  state.consentEvidence.push({
    kind: 'signature',
    id: input.signatureId,
    sid: 'signature',
    url: `/v1/complaints/${encodeURIComponent(state.ticketId)}/signatures/${input.signatureId}`,
    durationSec: 0,
    sha256: input.sha256,
    capturedAt: input.capturedAt,
  });
  record(
    state,
    {
      actor: 'customer',
      action: 'SIGNATURE_CAPTURED',
      detail: `${input.answer} sha256:${input.sha256.slice(0, 12)}…`,
    },
    Date.now(),
  );
  applyReply(
    ctx,
    {
      kind: 'FINAL',
      method: 'SMS',
      summary: req.message,
      customerConfirmed: true,
      satisfied: input.answer === 'SATISFIED',
    },
    'customer',
  );
  state.dirty = true;
}
