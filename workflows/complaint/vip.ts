// VIP complaints (R7.2): recognised at intake by the callback number against the VIP profiles
// (R7.1); the VIP policy's tighter clocks and the CHR evidence follow from the VIP level, the
// profile's IMSI and places locate the evidence (R7.5); the leader's assistants hear of the
// complaint when it is filed, at each major step, and get the result report at the end. Keys are made from the ticket and the step: sent once, whatever retries.
import { ActivityFailure, log, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { VipActivities } from '../../activities/vip';
import { VipLevel } from '../search-attributes';
import type { Ctx } from './ctx';
import { notify } from './proxies';
import { record, toView } from './state';

const vipData = proxyActivities<VipActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
});

/** Looks the callback number up in the VIP profiles; a VIP raises the complaint's VIP level. */
export async function recogniseVip(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  let match: Awaited<ReturnType<VipActivities['lookupVip']>>;
  try {
    match = await vipData.lookupVip({ number: state.input.numbers.callback });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The profile store is down: the complaint goes on with the level the channel gave it.
    log.warn('VIP lookup failed', { ticketId: state.ticketId, error: err.cause?.message });
    record(state, { actor: 'system', action: 'VIP_LOOKUP_FAILED', detail: err.cause?.message }, Date.now());
    return;
  }
  if (!match) return;
  const level = Math.max(match.level, state.input.customer.vipLevel);
  state.input = { ...state.input, customer: { ...state.input.customer, vipLevel: level } };
  state.vip = { profileId: match.profileId, level, assistants: match.assistants.length, informed: [] };
  ctx.vipAssistants = match.assistants;
  // The IMSI and the places locate the evidence (R7.5); matches recorded earlier have no places.
  ctx.vipLocator = { ...(match.imsi ? { imsi: match.imsi } : {}), places: match.places ?? [] };
  state.dirty = true;
  upsertSearchAttributes([{ key: VipLevel, value: level }]);
  record(
    state,
    { actor: 'system', action: 'VIP_RECOGNISED', detail: `level ${level} (${match.profileId})` },
    Date.now(),
  );
}

/** The steps the assistants hear of (R7.2), and the stages that reach them. */
const MILESTONES: { step: string; zh: string; reached: (stage: string) => boolean }[] = [
  { step: 'FILED', zh: '已受理', reached: () => true },
  { step: 'IN_HANDLING', zh: '处理中', reached: (s) => !['RECEIVED'].includes(s) },
  {
    step: 'RESOLVED',
    zh: '已解决，正在回复客户',
    reached: (s) => ['RESOLVED', 'REPLYING', 'CLOSED'].includes(s),
  },
  { step: 'RESULT', zh: '处理结果报告', reached: (s) => s === 'CLOSED' },
];

/** True when the complaint reached a step the VIP's assistants have not heard of yet. */
export function vipMilestoneDue(ctx: Ctx): boolean {
  const vip = ctx.state.vip;
  if (!vip || !ctx.vipAssistants) return false;
  return MILESTONES.some((m) => !vip.informed.includes(m.step) && m.reached(ctx.state.stage));
}

/** Sends the milestones the complaint has reached and the assistants have not heard of yet. */
export async function informVip(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  const vip = state.vip;
  const assistants = ctx.vipAssistants;
  if (!vip || !assistants) return;
  for (const m of MILESTONES) {
    if (vip.informed.includes(m.step) || !m.reached(state.stage)) continue;
    vip.informed.push(m.step);
    const view = toView(state, Date.now());
    const handling = view.clocks.find((c) => c.name === 'handling');
    const inTime = handling
      ? handling.state === 'breached' || handling.state === 'metLate'
        ? '超时'
        : '时限内'
      : '';
    const detail =
      m.step === 'RESULT'
        ? `${state.resolution?.summary ?? ''}；根因：${state.resolution?.rootCause ?? ''}；客户意见：${state.replies.at(-1)?.satisfied === false ? '不满意' : '满意'}；${inTime}（VIP 时限）`
        : m.step === 'RESOLVED'
          ? (state.resolution?.summary ?? '')
          : `${state.input.category} · ${state.input.location.address ?? state.input.location.region}`;
    const vars = {
      ticketId: state.ticketId,
      step: `${m.zh} ${m.step}`,
      vipLevel: String(vip.level),
      detail,
      dueAt: handling?.dueAt ?? '',
    };
    const emails = assistants.map((a) => a.email).filter((e): e is string => !!e);
    const sends: Promise<unknown>[] = [];
    if (emails.length > 0)
      sends.push(
        notify.sendEmail({
          idempotencyKey: `${state.ticketId}:vip:${m.step}:mail`,
          ticketId: state.ticketId,
          to: emails,
          template: 'vipAssistantUpdate',
          vars,
        }),
      );
    assistants.forEach((a, i) => {
      if (a.phone)
        sends.push(
          notify.sendSms({
            idempotencyKey: `${state.ticketId}:vip:${m.step}:sms:${i}`,
            ticketId: state.ticketId,
            to: a.phone,
            template: 'vipAssistantUpdate',
            language: 'zh-CN',
            vars,
          }),
        );
    });
    const results = await Promise.allSettled(sends);
    const failed = results.filter((r) => r.status === 'rejected').length;
    record(
      state,
      {
        actor: 'system',
        action: failed ? 'VIP_INFORM_FAILED' : 'VIP_INFORMED',
        detail: `${m.step}: ${sends.length - failed}/${sends.length} messages`,
      },
      Date.now(),
    );
    state.dirty = true;
  }
}
