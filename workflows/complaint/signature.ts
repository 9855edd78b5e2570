// The customer's signature as the evidence of their final opinion (R5.5): a one-time link by SMS to
// a page where they read the result, answer satisfied or not, and sign. The wait has a deadline and
// an explicit EXPIRED result; a signed answer is the customer's confirmed final reply.
import { ActivityFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { SignatureActivities } from '../../activities/signature';
import { checkRequestSignature } from '../../domain/policy/complaint-checks';
import {
  complaintWorkflowId,
  requestSignatureUpdate,
  signatureCapturedSignal,
  type Acting,
  type RequestSignatureInput,
  type SignatureCapturedInput,
  type SignatureRequest,
} from './contract';
import { setStage, type Ctx } from './ctx';
import { untilCustomerWindow } from './contact-window';
import { act, afterReady, refuse } from './handler-kit';
import { applyReply, returnToResolved } from './reply';
import { facts, record } from './state';

const acts = proxyActivities<SignatureActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** How long the link works. */
export const SIGNATURE_LINK_MS = 48 * 3_600_000;

/** The handler asks for the signature: the link goes out by SMS and the complaint is REPLYING. */
export function requestSignature(ctx: Ctx, { actor, input }: Acting<RequestSignatureInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const list = (state.signatureRequests ??= []);
  const round = list.length + 1;
  const req: SignatureRequest = {
    round,
    requestId: `${state.ticketId}:signature:${round}`,
    message: input.message,
    requestedBy: actor.user,
    requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SIGNATURE_LINK_MS).toISOString(),
    status: 'WAITING',
  };
  list.push(req);
  setStage(
    ctx,
    'REPLYING',
    { actor: actor.user, action: 'SIGNATURE_REQUESTED', detail: `round ${round}` },
    now,
  );
  ctx.background.push(runSignatureRequest(ctx, req));
}

/** Sends the link and waits, until it expires, for the signature. */
export async function runSignatureRequest(ctx: Ctx, req: SignatureRequest): Promise<void> {
  const { state } = ctx;
  // The link is texted inside the customer's own window when they gave one (R4.8).
  const wait = untilCustomerWindow(state, 'sms');
  if (wait) await wait;
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
    returnToResolved(ctx);
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

export function registerSignatureHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(requestSignatureUpdate, (cmd) => act(ctx, requestSignature, cmd), {
    validator: (_cmd) => refuse(checkRequestSignature(facts(state), state.incident, state.signatureRequests)),
  });
  setHandler(signatureCapturedSignal, (input) => afterReady(ctx, onSignatureCaptured, input));
}
