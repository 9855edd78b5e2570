// Update, signal and query handlers of the complaint workflow. Validators are synchronous and
// read-only: a refused action writes nothing to the history (HTTP 409 at the API).
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import * as clocks from '../policy/clocks';
import { checkDiagnosis } from '../policy/diagnosis-check';
import { parseDuration, isDuration } from '../policy/durations';
import { contactWorkflowId } from '../contact/contract';
import { levelOf } from '../policy/escalation';
import * as rules from '../policy/lifecycle';
import { INTAKE_CLOCKS } from '../policy/sla';
import {
  acknowledgeEscalationUpdate,
  applyPolicyUpdate,
  assignUpdate,
  closeUpdate,
  contactCustomerUpdate,
  contactEventSignal,
  markDisputeProneUpdate,
  regatherEvidenceUpdate,
  type ContactRecord,
  escalateSignal,
  extendClockUpdate,
  getComplaintQuery,
  markMajorUpdate,
  pauseClockUpdate,
  proposeOnSiteTestUpdate,
  recordOnSiteResultUpdate,
  requestSignatureUpdate,
  signatureCapturedSignal,
  type SignatureRequest,
  type OnSiteTest,
  recordFindingsUpdate,
  recordReplyUpdate,
  recordVerificationUpdate,
  resolveUpdate,
  resumeClockUpdate,
  submitMajorReportUpdate,
  triageUpdate,
  type Actor,
} from './contract';
import { incidentLinkedSignal, incidentResolvedSignal } from '../incident/contract';
import { onIncidentLinked, onIncidentResolved } from './incident';
import { smsReplySignal } from '../contact/contract';
import { checkOnSiteResult, checkSlots } from '../policy/on-site';
import { answerDeadline, runOnSiteTest } from './onsite';
import { onSignatureCaptured, runSignatureRequest, SIGNATURE_LINK_MS } from './signature';
import { addClock, facts, record, toView } from './state';
import {
  applyReply,
  commit,
  escalate,
  gatherAndAttach,
  queueMail,
  replyThroughContact,
  selectPolicy,
  startClockRunner,
  type Ctx,
} from './steps';

/** While a mass incident holds the complaint, the final reply comes from the incident (R8.4). */
function heldByIncident(ctx: Ctx, kind: string): string | undefined {
  const inc = ctx.state.incident;
  return kind.startsWith('FINAL') && inc?.stage === 'OPEN'
    ? `linked to mass incident ${inc.incidentId}: the customer gets the final reply when the incident is resolved (R8.4)`
    : undefined;
}

function refuse(reason: string | undefined): void {
  if (reason)
    throw ApplicationFailure.create({ type: 'InvalidTransition', message: reason, nonRetryable: true });
}

export function registerHandlers(ctx: Ctx): void {
  const { state } = ctx;
  const now = () => Date.now();
  const iso = () => new Date(now()).toISOString();
  // Updates that arrive in the first seconds wait until the policy snapshot and clocks exist.
  const ready = () => condition(() => state.policy !== undefined);
  const open = (action: string) => (_cmd: unknown) => refuse(rules.checkOpen(facts(state), action));
  const stop = (name: string) => {
    const c = state.clockMap[name];
    if (c) clocks.stopClock(c, now());
  };
  const knownClock = (name: string): string | undefined =>
    state.clockMap[name]
      ? undefined
      : `no clock named ${name} (clocks: ${Object.keys(state.clockMap).join(', ')})`;

  setHandler(getComplaintQuery, () => toView(state, now()));

  setHandler(
    triageUpdate,
    async ({ actor, input }) => {
      await ready();
      state.triage = { ...input, by: actor.user, at: iso() };
      if (input.assignee) state.assignee = input.assignee;
      stop('acceptance');
      const stage = rules.stageAfterTriage(input.decision);
      const detail = input.decision === 'TRANSFER' ? `TRANSFER → ${input.department}` : input.decision;
      record(state, { actor: actor.user, action: 'TRIAGED', detail }, now(), stage);
      if (input.decision === 'TRANSFER' && input.department) {
        const p =
          state.policy!.verification[input.department] ?? Object.values(state.policy!.verification)[0]!;
        const clock = addClock(state, `verification:${input.department}`, p, now());
        startClockRunner(ctx, clock);
        queueMail(
          ctx,
          `transfer-${input.department}`,
          'verificationRequest',
          `department:${input.department}`,
          {
            department: input.department,
            note: input.note ?? '',
            within: `${Math.round(p.targetMs / 3_600_000)}h`,
          },
        );
      }
      return commit(state);
    },
    { validator: ({ input }) => refuse(rules.checkTriage(facts(state), input.decision, input.department)) },
  );

  setHandler(
    recordVerificationUpdate,
    async ({ actor, input }) => {
      await ready();
      state.verifications.push({ ...input, by: actor.user, at: iso() });
      stop(`verification:${input.department}`);
      record(
        state,
        { actor: actor.user, action: 'VERIFIED', detail: input.department },
        now(),
        'IN_PROGRESS',
      );
      return commit(state);
    },
    { validator: ({ input }) => refuse(rules.checkVerification(facts(state), input.department)) },
  );

  setHandler(
    recordFindingsUpdate,
    async ({ actor, input }) => {
      await ready();
      state.findings.push({ ...input, by: actor.user, at: iso() });
      const stage = state.stage === 'REOPENED' ? 'IN_PROGRESS' : undefined;
      record(
        state,
        { actor: actor.user, action: 'FINDINGS', detail: input.found.slice(0, 120) },
        now(),
        stage,
      );
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkFindings(facts(state))) },
  );

  setHandler(
    resolveUpdate,
    async ({ actor, input }) => {
      await ready();
      state.resolution = {
        ...input,
        by: actor.user,
        at: iso(),
        ...(input.cause ? { diagnosis: checkDiagnosis(state.evidence?.hypotheses, input.cause) } : {}),
      };
      record(state, { actor: actor.user, action: 'RESOLVED', detail: input.rootCause }, now(), 'RESOLVED');
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkResolve(facts(state))) },
  );

  setHandler(
    recordReplyUpdate,
    async ({ actor, input }) => {
      await ready();
      applyReply(ctx, input, actor.user);
      return commit(state);
    },
    {
      validator: ({ input }) =>
        refuse(heldByIncident(ctx, input.kind) ?? rules.checkReply(facts(state), input.kind)),
    },
  );

  setHandler(
    contactCustomerUpdate,
    async ({ actor, input }) => {
      await ready();
      const round = state.contacts.filter((c) => c.purpose === input.purpose).length + 1;
      const entry: ContactRecord = {
        workflowId: contactWorkflowId(state.ticketId, input.purpose, round),
        purpose: input.purpose,
        round,
        channel: input.channel,
        by: actor.user,
        startedAt: iso(),
      };
      state.contacts.push(entry);
      const stage = input.purpose === 'FINAL_REPLY' ? 'REPLYING' : undefined;
      record(
        state,
        {
          actor: actor.user,
          action: 'CONTACT_STARTED',
          detail: `${input.purpose} ${input.channel} round ${round}`,
        },
        now(),
        stage,
      );
      ctx.background.push(replyThroughContact(ctx, entry, input.message));
      return commit(state);
    },
    {
      validator: ({ input }) =>
        refuse(
          heldByIncident(ctx, input.purpose) ??
            (waitingOnSite() ? "an on-site appointment is waiting for the customer's answer" : undefined) ??
            rules.checkContact(facts(state), input.purpose),
        ),
    },
  );

  setHandler(
    markDisputeProneUpdate,
    async ({ actor, input }) => {
      await ready();
      state.disputeProne = { ...input, by: actor.user, at: iso() };
      record(state, { actor: actor.user, action: 'MARKED_DISPUTE_PRONE', detail: input.reason }, now());
      return commit(state);
    },
    {
      validator: (_cmd) => {
        refuse(rules.checkOpen(facts(state), 'mark dispute-prone'));
        refuse(state.disputeProne ? 'already marked dispute-prone' : undefined);
      },
    },
  );

  setHandler(
    closeUpdate,
    async ({ actor, input }) => {
      await ready();
      state.closedAt = iso();
      record(state, { actor: actor.user, action: 'CLOSED', detail: input.note }, now(), 'CLOSED');
      for (const name of Object.keys(state.clockMap)) stop(name);
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkClose(facts(state))) },
  );

  setHandler(
    assignUpdate,
    async ({ actor, input }) => {
      await ready();
      state.assignments.push({ ...input, by: actor.user, at: iso() });
      state.assignee = input.assignee;
      if (input.team) state.team = input.team;
      record(
        state,
        {
          actor: actor.user,
          action: 'ASSIGNED',
          detail: `${input.assignee}${input.team ? ` (${input.team})` : ''}`,
        },
        now(),
      );
      return commit(state);
    },
    { validator: open('reassign') },
  );

  setHandler(
    acknowledgeEscalationUpdate,
    async ({ actor, input }) => {
      await ready();
      const esc = [...state.escalations].reverse().find((e) => e.level === input.level && !e.acknowledgedAt)!;
      esc.acknowledgedBy = actor.user;
      esc.acknowledgedAt = iso();
      stop(`escalationAck:${input.level}`);
      record(
        state,
        {
          actor: actor.user,
          action: 'ESCALATION_ACKNOWLEDGED',
          detail: `L${input.level}${input.note ? `: ${input.note}` : ''}`,
        },
        now(),
      );
      return commit(state);
    },
    {
      validator: ({ actor, input }) => {
        const esc = [...state.escalations]
          .reverse()
          .find((e) => e.level === input.level && !e.acknowledgedAt);
        if (!esc) return refuse(`no unacknowledged escalation at level ${input.level}`);
        refuse(
          mayActAs(actor, esc.role)
            ? undefined
            : `level ${input.level} is acknowledged by the role ${esc.role}`,
        );
      },
    },
  );

  // Clock actions are checked in the validator once the clocks exist, and again in the handler
  // for an update that arrived before the policy snapshot was taken.
  const checkPause = (clockName: string) => {
    refuse(rules.checkOpen(facts(state), 'pause a clock of') ?? knownClock(clockName));
    const c = state.clockMap[clockName]!;
    refuse(
      c.stoppedAt !== undefined
        ? `clock ${clockName} has stopped`
        : clocks.isPaused(c)
          ? `clock ${clockName} is already paused`
          : undefined,
    );
  };
  const checkResume = (clockName: string) => {
    refuse(knownClock(clockName));
    refuse(clocks.isPaused(state.clockMap[clockName]!) ? undefined : `clock ${clockName} is not paused`);
  };
  const checkExtend = (clockName: string, by: string) => {
    refuse(rules.checkOpen(facts(state), 'extend a clock of'));
    refuse(clockName === 'firstReply' ? 'the 48 h first reply cannot be extended (R4.2)' : undefined);
    refuse(isDuration(by) ? undefined : `"${by}" is not a duration such as 4h`);
    refuse(knownClock(clockName));
    refuse(state.clockMap[clockName]!.stoppedAt !== undefined ? `clock ${clockName} has stopped` : undefined);
  };
  const whenReady = (check: () => void) => (state.policy ? check() : undefined);

  setHandler(
    pauseClockUpdate,
    async ({ actor, input }) => {
      await ready();
      checkPause(input.clock);
      clocks.pauseClock(state.clockMap[input.clock]!, now(), input.reason, actor.user);
      record(
        state,
        { actor: actor.user, action: 'CLOCK_PAUSED', detail: `${input.clock}: ${input.reason}` },
        now(),
      );
      return commit(state);
    },
    { validator: ({ input }) => whenReady(() => checkPause(input.clock)) },
  );

  setHandler(
    resumeClockUpdate,
    async ({ actor, input }) => {
      await ready();
      checkResume(input.clock);
      clocks.resumeClock(state.clockMap[input.clock]!, now());
      record(state, { actor: actor.user, action: 'CLOCK_RESUMED', detail: input.clock }, now());
      return commit(state);
    },
    { validator: ({ input }) => whenReady(() => checkResume(input.clock)) },
  );

  setHandler(
    extendClockUpdate,
    async ({ actor, input }) => {
      await ready();
      checkExtend(input.clock, input.by);
      clocks.extendClock(
        state.clockMap[input.clock]!,
        now(),
        parseDuration(input.by),
        input.reason,
        actor.user,
      );
      record(
        state,
        {
          actor: actor.user,
          action: 'CLOCK_EXTENDED',
          detail: `${input.clock} +${input.by}: ${input.reason}`,
        },
        now(),
      );
      return commit(state);
    },
    { validator: ({ input }) => whenReady(() => checkExtend(input.clock, input.by)) },
  );

  setHandler(
    applyPolicyUpdate,
    async ({ actor, input }) => {
      await ready();
      const p = await selectPolicy({
        channel: state.input.channel,
        category: state.input.category,
        vipLevel: state.input.customer.vipLevel,
        urgency: state.input.urgency,
      });
      state.policy = p;
      state.policyHistory.push({
        id: p.id,
        version: p.version,
        setVersion: p.setVersion,
        at: iso(),
        by: actor.user,
        reason: input.reason,
      });
      for (const name of INTAKE_CLOCKS) {
        const c = state.clockMap[name];
        if (c && c.stoppedAt === undefined)
          clocks.retargetClock(c, p.clocks[name].targetMs, p.clocks[name].warnAt, p.clocks[name].calendar);
      }
      for (const c of Object.values(state.clockMap)) {
        const dept = c.name.startsWith('verification:') ? c.name.slice('verification:'.length) : undefined;
        const v = dept ? p.verification[dept] : undefined;
        if (v && c.stoppedAt === undefined) clocks.retargetClock(c, v.targetMs, v.warnAt, v.calendar);
      }
      record(
        state,
        {
          actor: actor.user,
          action: 'POLICY_APPLIED',
          detail: `${p.id} v${p.version} (set v${p.setVersion}): ${input.reason}`,
        },
        now(),
      );
      return commit(state);
    },
    { validator: open('apply a policy to') },
  );

  setHandler(
    markMajorUpdate,
    async ({ actor, input }) => {
      await ready();
      state.major = { ...input, by: actor.user, at: iso(), owner: 'interface' };
      record(state, { actor: actor.user, action: 'MARKED_MAJOR', detail: input.reason }, now());
      const iface = state.policy!.escalation.find((l) => l.role === 'interface');
      if (iface && state.escalationLevel < iface.level)
        escalate(ctx, {
          level: iface.level,
          reason: `major complaint: ${input.reason}`,
          by: actor.user,
          source: 'major',
        });
      return commit(state);
    },
    {
      validator: (_cmd) => {
        refuse(rules.checkOpen(facts(state), 'mark major'));
        refuse(state.major ? 'already marked major' : undefined);
      },
    },
  );

  setHandler(
    submitMajorReportUpdate,
    async ({ actor, input }) => {
      await ready();
      state.majorReport = { ...input, by: actor.user, at: iso() };
      record(state, { actor: actor.user, action: 'MAJOR_REPORT', detail: input.title }, now());
      queueMail(ctx, 'major-report', 'majorReport', 'optCenter', { ...input, by: actor.user });
      return commit(state);
    },
    {
      validator: ({ actor }) => {
        refuse(rules.checkOpen(facts(state), 'report on'));
        refuse(state.major ? undefined : 'only a complaint marked major has a written report');
        refuse(
          mayActAs(actor, 'interface')
            ? undefined
            : 'the interface person who owns the major complaint writes the report (R5.3)',
        );
      },
    },
  );

  setHandler(
    regatherEvidenceUpdate,
    async ({ actor, input }) => {
      await ready();
      await gatherAndAttach(ctx, input, actor.user);
      return commit(state);
    },
    { validator: open('gather evidence for') },
  );

  setHandler(escalateSignal, async ({ actor, input }) => {
    await ready();
    if (state.stage === 'CLOSED' || !state.policy) return;
    escalate(ctx, {
      level: levelOf(state.policy.escalation, input.level).level,
      reason: input.reason,
      by: actor.user,
      source: 'manual',
    });
  });

  // On-site test (R3.3): slots offered by the handler, chosen by the customer by SMS.
  const onSiteTests = () => (state.onSiteTests ??= []);
  const waitingOnSite = () => onSiteTests().some((t) => t.status === 'WAITING_CUSTOMER');
  setHandler(
    proposeOnSiteTestUpdate,
    async ({ actor, input }) => {
      await ready();
      const test: OnSiteTest = {
        round: onSiteTests().length + 1,
        status: 'WAITING_CUSTOMER',
        slots: input.slots,
        engineer: input.engineer,
        address: input.address,
        note: input.note,
        proposedBy: actor.user,
        proposedAt: iso(),
        answerBy: new Date(answerDeadline(input.slots, now())).toISOString(),
      };
      onSiteTests().push(test);
      record(
        state,
        {
          actor: actor.user,
          action: 'ON_SITE_PROPOSED',
          detail: `round ${test.round}: ${input.slots.length} slots`,
        },
        now(),
      );
      ctx.background.push(runOnSiteTest(ctx, test));
      return commit(state);
    },
    {
      validator: ({ input }) => {
        refuse(rules.checkOpen(facts(state), 'arrange an on-site test for'));
        refuse(waitingOnSite() ? 'an on-site appointment is already waiting for the customer' : undefined);
        refuse(
          facts(state).contactInFlight
            ? 'the customer is being contacted; offer the slots afterwards'
            : undefined,
        );
        refuse(
          onSiteTests().some((t) => t.status === 'BOOKED')
            ? 'an on-site test is booked: record its results first'
            : undefined,
        );
        if (state.policy)
          refuse(checkSlots(input.slots, now(), 'Asia/Shanghai', state.policy.contact.allowedHours));
      },
    },
  );

  setHandler(
    recordOnSiteResultUpdate,
    async ({ actor, input }) => {
      await ready();
      const test = onSiteTests().find((t) => t.status === 'BOOKED')!;
      test.status = 'DONE';
      test.result = { ...input, by: actor.user, at: iso() };
      const measured = input.measurements.map((m) => `${m.name} ${m.value}${m.unit ?? ''}`).join(', ');
      state.findings.push({
        checked: `实地测试 on-site test ${test.chosen!.from.slice(0, 16)}: ${measured}`,
        found: input.conclusion,
        onSite: true,
        by: actor.user,
        at: iso(),
      });
      const stage = state.stage === 'REOPENED' ? 'IN_PROGRESS' : undefined;
      record(
        state,
        { actor: actor.user, action: 'ON_SITE_RESULT', detail: input.conclusion.slice(0, 120) },
        now(),
        stage,
      );
      return commit(state);
    },
    {
      validator: (_cmd) => {
        refuse(rules.checkOpen(facts(state), 'record on-site results for'));
        refuse(
          checkOnSiteResult(
            onSiteTests().find((t) => t.status === 'BOOKED'),
            now(),
          ),
        );
      },
    },
  );

  // The customer's signature as evidence of the final opinion (R5.5).
  setHandler(
    requestSignatureUpdate,
    async ({ actor, input }) => {
      await ready();
      const list = (state.signatureRequests ??= []);
      const round = list.length + 1;
      const req: SignatureRequest = {
        round,
        requestId: `${state.ticketId}:signature:${round}`,
        message: input.message,
        requestedBy: actor.user,
        requestedAt: iso(),
        expiresAt: new Date(now() + SIGNATURE_LINK_MS).toISOString(),
        status: 'WAITING',
      };
      list.push(req);
      record(
        state,
        { actor: actor.user, action: 'SIGNATURE_REQUESTED', detail: `round ${round}` },
        now(),
        'REPLYING',
      );
      ctx.background.push(runSignatureRequest(ctx, req));
      return commit(state);
    },
    {
      validator: (_cmd) => {
        refuse(heldByIncident(ctx, 'FINAL') ?? rules.checkContact(facts(state), 'FINAL_REPLY'));
        refuse(
          state.signatureRequests?.some((r) => r.status === 'WAITING')
            ? 'a signature link is already waiting for the customer'
            : undefined,
        );
      },
    },
  );
  setHandler(signatureCapturedSignal, async (input) => {
    await ready();
    onSignatureCaptured(ctx, input);
  });

  setHandler(smsReplySignal, (reply) => {
    if (waitingOnSite()) (ctx.smsInbox ??= []).push(reply);
  });

  setHandler(incidentLinkedSignal, async (input) => {
    await ready();
    onIncidentLinked(ctx, input);
  });

  setHandler(incidentResolvedSignal, async (input) => {
    await ready();
    onIncidentResolved(ctx, input);
  });

  setHandler(contactEventSignal, (event) => {
    record(
      state,
      { actor: 'twilio', action: event.kind, detail: `${event.purpose}: ${event.status}` },
      now(),
    );
    state.dirty = true;
  });
}

function mayActAs(actor: Actor, role: string): boolean {
  return actor.roles.includes(role) || actor.roles.includes('admin');
}
