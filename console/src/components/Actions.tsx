// Every human action on a complaint as a form that calls the API (POST /v1/complaints/{id}/<action>,
// typed from the API's document: a path the API does not declare does not compile). Only the
// actions the person's roles allow (GET /v1/me permissions, from the API's declarations) and that
// fit the complaint's stage are offered; the API's validation messages appear beside the fields,
// its refusals (403, 409) above the button. Departments and escalation levels are the active
// policy set's (GET /v1/policies), as the API checks them.
import { useState, type FormEvent } from 'react';
import {
  act,
  ApiError,
  get,
  type ActionBody,
  type ActionPath,
  type ComplaintView,
  type Policies,
} from '../api';
import { useT, type Key } from '../i18n';
import { useSession } from '../session';
import { useData } from '../useData';

/** What the forms offer from the policy data; before it has loaded, what the complaint shows. */
interface Vocabulary {
  departments: string[];
  levels: number[];
}

function vocabularyOf(policies: Policies | undefined, v: ComplaintView): Vocabulary {
  const known = [
    ...new Set([
      ...(v.triage?.department ? [v.triage.department] : []),
      ...(v.verificationRequests ?? []).map((r) => r.department),
    ]),
  ];
  const levels = v.escalations.map((e) => e.level);
  return {
    departments: policies?.active.departments ?? known,
    levels: policies?.active.escalation?.map((l) => l.level) ?? [
      ...new Set([...levels, v.escalationLevel + 1]),
    ],
  };
}

type Value = string | boolean | string[];

interface Field {
  name: string;
  label: Key;
  /** multi: several of the options (checkboxes), sent as a list. */
  kind: 'text' | 'textarea' | 'select' | 'checkbox' | 'number' | 'yesno' | 'multi';
  /** select and multi options: value → label (already translated) */
  options?: [string, string][];
  initial?: Value;
  hint?: Key;
  /** Sent even when empty, so that the API names the problem beside the field. */
  required?: boolean;
}

interface ActionSpec {
  id: string;
  /** path after /v1/complaints/{id}/, one the API declares */
  path: ActionPath;
  title: Key;
  fields: Field[];
  /** Stage and state in which the action makes sense (the API decides in the end). */
  when: (v: ComplaintView) => boolean;
  /** 'supervisor' etc.: shown under "supervisor actions". */
  group: 'work' | 'reply' | 'clock' | 'lead';
  /** The request body from the form's body, when the API takes another shape (a list). */
  shape?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** The form field beside which an API error about a body field is shown, when their names differ. */
  errorFields?: Record<string, string>;
}

const open = (v: ComplaintView) => v.stage !== 'CLOSED';

function specs(
  v: ComplaintView,
  t: ReturnType<typeof useT>['t'],
  myRoles: string[],
  lang: ReturnType<typeof useT>['lang'],
  vocabulary: Vocabulary,
): ActionSpec[] {
  const clocks = v.clocks.map((c): [string, string] => [c.name, t.e('clock', c.name)]);
  const running = v.clocks
    .filter((c) => c.state === 'running')
    .map((c): [string, string] => [c.name, t.e('clock', c.name)]);
  const paused = v.clocks
    .filter((c) => c.state === 'paused')
    .map((c): [string, string] => [c.name, t.e('clock', c.name)]);
  const deps = vocabulary.departments.map((d): [string, string] => [d, t.e('department', d)]);
  const top = Math.max(...vocabulary.levels, 1);
  // The departments asked to verify that have not answered (R2.3): the answer form names one of them.
  const awaiting = [
    ...new Set((v.verificationRequests ?? []).filter((r) => !r.answeredAt).map((r) => r.department)),
  ];
  const transferredTo = awaiting[0] ?? (v.triage?.decision === 'TRANSFER' ? v.triage.department : undefined);
  const coordinating = (v.coordination ?? []).some((c) => !c.doneAt);
  return [
    {
      id: 'triage',
      path: 'triage',
      title: 'action.triage',
      group: 'work',
      when: (x) => x.stage === 'RECEIVED',
      fields: [
        {
          name: 'decision',
          label: 'field.decision',
          kind: 'select',
          options: ['SELF', 'TEAM', 'TRANSFER'].map((d) => [d, t.e('decision', d)]),
          initial: 'SELF',
        },
        {
          name: 'departments',
          label: 'field.departments',
          kind: 'multi',
          options: deps,
          hint: 'hint.department',
        },
        { name: 'assignee', label: 'field.assignee', kind: 'text' },
        { name: 'note', label: 'field.note', kind: 'textarea' },
      ],
    },
    {
      // 协助查证 later in the handling, to one or several departments in parallel (R2.3).
      id: 'transfer',
      path: 'transfer',
      title: 'action.transfer',
      group: 'work',
      when: (x) => ['TRIAGED', 'TRANSFERRED', 'IN_PROGRESS', 'REOPENED'].includes(x.stage),
      fields: [
        {
          name: 'departments',
          label: 'field.departments',
          kind: 'multi',
          options: deps.filter(([d]) => !awaiting.includes(d)),
          required: true,
        },
        { name: 'note', label: 'field.note', kind: 'textarea' },
      ],
    },
    {
      id: 'verification',
      path: 'verification',
      title: 'action.verification',
      group: 'work',
      when: (x) => x.stage !== 'CLOSED' && (awaiting.length > 0 || x.stage === 'TRANSFERRED'),
      fields: [
        {
          // The department that answers: one that was asked and has not answered yet.
          name: 'department',
          label: 'field.answeringDepartment',
          kind: 'select',
          options: awaiting.length > 0 ? awaiting.map((d) => [d, t.e('department', d)]) : deps,
          initial: transferredTo ?? 'network',
        },
        { name: 'result', label: 'field.result', kind: 'textarea', required: true },
      ],
    },
    {
      // The interface person goes on without the departments still silent (R2.3).
      id: 'close-coordination',
      path: 'coordination/close',
      title: 'action.closeCoordination',
      group: 'lead',
      when: () => coordinating,
      fields: [{ name: 'note', label: 'field.note', kind: 'textarea', required: true }],
    },
    {
      id: 'findings',
      path: 'findings',
      title: 'action.findings',
      group: 'work',
      when: (x) => ['IN_PROGRESS', 'REOPENED', 'TRANSFERRED'].includes(x.stage),
      fields: [
        {
          name: 'checked',
          label: 'field.checked',
          kind: 'textarea',
          initial: v.evidence?.draft.checked ?? '',
          required: true,
        },
        {
          name: 'found',
          label: 'field.found',
          kind: 'textarea',
          initial: v.evidence?.draft.found ?? '',
          required: true,
        },
        { name: 'onSite', label: 'field.onSite', kind: 'checkbox', initial: false },
      ],
    },
    {
      // A note on the work record (TMF621 note), with one link to a file kept elsewhere (the API
      // takes up to five): "attachment.x" fields nest, and the one attachment becomes the list.
      id: 'note',
      path: 'notes',
      title: 'action.note',
      group: 'work',
      when: open,
      fields: [
        { name: 'text', label: 'field.noteText', kind: 'textarea', required: true },
        { name: 'attachment.name', label: 'field.attachmentName', kind: 'text' },
        { name: 'attachment.url', label: 'field.attachmentUrl', kind: 'text', hint: 'hint.link' },
      ],
      shape: ({ attachment, ...rest }) => (attachment ? { ...rest, attachments: [attachment] } : rest),
      errorFields: {
        attachments: 'attachment.url',
        'attachments.0.name': 'attachment.name',
        'attachments.0.url': 'attachment.url',
      },
    },
    {
      id: 'resolve',
      path: 'resolve',
      title: 'action.resolve',
      group: 'work',
      when: (x) => ['IN_PROGRESS', 'REOPENED'].includes(x.stage),
      fields: [
        { name: 'summary', label: 'field.summary', kind: 'textarea', hint: 'hint.summary', required: true },
        { name: 'rootCause', label: 'field.rootCause', kind: 'text', required: true },
        { name: 'actions', label: 'field.actions', kind: 'textarea', required: true },
        {
          // Which of the pre-diagnosis's hypotheses it was (R3.5): kept beside them on the complaint.
          name: 'cause',
          label: 'field.cause',
          kind: 'select',
          options: [
            ['', '—'],
            ...(v.evidence?.hypotheses ?? []).map((h, i): [string, string] => [
              h.cause,
              `${i + 1}. ${h.title[lang] ?? h.title.en}`,
            ]),
          ],
          hint: 'hint.cause',
        },
      ],
    },
    {
      id: 'contact',
      path: 'contact',
      title: 'action.contact',
      group: 'reply',
      when: open,
      fields: [
        {
          name: 'purpose',
          label: 'field.purpose',
          kind: 'select',
          options: ['FINAL_REPLY', 'FIRST_REPLY'].map((p) => [p, t.e('purpose', p)]),
          initial: ['RESOLVED', 'REPLYING'].includes(v.stage) ? 'FINAL_REPLY' : 'FIRST_REPLY',
        },
        {
          name: 'channel',
          label: 'field.channel',
          kind: 'select',
          options: [
            ['PHONE_FIRST', t('option.phoneFirst')],
            ['SMS_ONLY', t('option.smsOnly')],
          ],
        },
        {
          name: 'message',
          label: 'field.message',
          kind: 'textarea',
          initial: v.resolution?.summary ?? '',
          required: true,
        },
      ],
    },
    {
      id: 'replies',
      path: 'replies',
      title: 'action.reply',
      group: 'reply',
      when: open,
      fields: [
        {
          name: 'kind',
          label: 'field.replyKind',
          kind: 'select',
          options: ['FINAL', 'FIRST'].map((k) => [k, t.e('replyKind', k)]),
          initial: ['RESOLVED', 'REPLYING'].includes(v.stage) ? 'FINAL' : 'FIRST',
        },
        {
          name: 'method',
          label: 'field.method',
          kind: 'select',
          options: [
            ['PHONE', t('option.phone')],
            ['SMS', t('option.sms')],
          ],
        },
        {
          name: 'summary',
          label: 'field.replySummary',
          kind: 'textarea',
          initial: v.resolution?.summary ?? '',
          required: true,
        },
        { name: 'customerConfirmed', label: 'field.customerConfirmed', kind: 'checkbox', initial: false },
        { name: 'satisfied', label: 'field.satisfied', kind: 'yesno', initial: '' },
      ],
    },
    {
      id: 'close',
      path: 'close',
      title: 'action.close',
      group: 'reply',
      when: (x) => x.stage === 'REPLYING',
      fields: [{ name: 'note', label: 'field.note', kind: 'textarea' }],
    },
    {
      // A care callback nobody answered (R6.3): the person who called records what they found.
      id: 'care-callback',
      path: 'care-callback',
      title: 'action.careCallback',
      group: 'reply',
      when: (x) => !!x.careCallback?.toPersonAt && !x.careCallback.byPerson,
      fields: [
        { name: 'reached', label: 'field.reached', kind: 'yesno', initial: '' },
        {
          name: 'answer',
          label: 'field.careAnswer',
          kind: 'select',
          options: [
            ['', t('option.unknown')],
            ['SATISFIED', t('option.stillSolved')],
            ['NOT_SATISFIED', t('option.problemBack')],
          ],
        },
        { name: 'note', label: 'field.note', kind: 'textarea', required: true },
      ],
    },
    {
      id: 'pause',
      path: 'clocks/pause',
      title: 'action.pause',
      group: 'clock',
      when: (x) => open(x) && running.length > 0,
      fields: [
        { name: 'clock', label: 'field.clock', kind: 'select', options: running },
        { name: 'reason', label: 'field.reason', kind: 'text', required: true },
      ],
    },
    {
      id: 'resume',
      path: 'clocks/resume',
      title: 'action.resume',
      group: 'clock',
      when: (x) => open(x) && paused.length > 0,
      fields: [{ name: 'clock', label: 'field.clock', kind: 'select', options: paused }],
    },
    {
      id: 'extend',
      path: 'clocks/extend',
      title: 'action.extend',
      group: 'clock',
      when: (x) => open(x) && clocks.length > 0,
      fields: [
        { name: 'clock', label: 'field.clock', kind: 'select', options: running.length ? running : clocks },
        { name: 'by', label: 'field.by', kind: 'text', initial: '4h', hint: 'hint.by', required: true },
        { name: 'reason', label: 'field.reason', kind: 'text', required: true },
      ],
    },
    {
      id: 'escalate',
      path: 'escalations',
      title: 'action.escalate',
      group: 'lead',
      when: open,
      fields: [
        {
          name: 'level',
          label: 'field.level',
          kind: 'select',
          options: vocabulary.levels.map((l): [string, string] => [String(l), String(l)]),
          initial: String(Math.min(top, v.escalationLevel + 1)),
        },
        { name: 'reason', label: 'field.reason', kind: 'textarea', required: true },
      ],
    },
    {
      id: 'acknowledge',
      path: 'escalations/acknowledge',
      title: 'action.acknowledge',
      group: 'lead',
      when: (x) => !!x.awaitingAckRole && myRoles.includes(x.awaitingAckRole),
      fields: [
        { name: 'level', label: 'field.level', kind: 'number', initial: String(v.escalationLevel || 1) },
        { name: 'note', label: 'field.note', kind: 'text' },
      ],
    },
    {
      id: 'assign',
      path: 'assign',
      title: 'action.assign',
      group: 'lead',
      when: open,
      fields: [
        { name: 'assignee', label: 'field.assignee', kind: 'text', required: true },
        { name: 'team', label: 'field.team', kind: 'text' },
        { name: 'reason', label: 'field.reason', kind: 'text', required: true },
      ],
    },
    {
      id: 'major',
      path: 'major',
      title: 'action.major',
      group: 'lead',
      when: (x) => open(x) && !x.major,
      fields: [{ name: 'reason', label: 'field.reason', kind: 'textarea', required: true }],
    },
    {
      id: 'major-report',
      path: 'major-report',
      title: 'action.majorReport',
      group: 'lead',
      when: (x) => open(x) && !!x.major && !x.majorReport,
      fields: (['title', 'impact', 'rootCause', 'coordination', 'actions', 'result'] as const).map(
        (name): Field => ({
          name,
          label: `field.report.${name}` as Key,
          kind: name === 'title' ? 'text' : 'textarea',
          required: true,
        }),
      ),
    },
    {
      // The customer's own contact window and agreed appointment (R4.8); "a.b" fields nest in the body.
      id: 'contact-preferences',
      path: 'contact-preferences',
      title: 'action.contactPreferences',
      group: 'reply',
      when: open,
      fields: [
        { name: 'contactWindow.from', label: 'field.window.from', kind: 'text', hint: 'hint.hhmm' },
        { name: 'contactWindow.to', label: 'field.window.to', kind: 'text', hint: 'hint.hhmm' },
        {
          name: 'contactWindow.days',
          label: 'field.window.days',
          kind: 'multi',
          options: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((d): [string, string] => [d, d]),
          hint: 'hint.everyDay',
        },
        { name: 'contactWindow.timeZone', label: 'field.timeZone', kind: 'text', hint: 'hint.timeZone' },
        { name: 'appointment.from', label: 'field.appointment.from', kind: 'text', hint: 'hint.instant' },
        { name: 'appointment.to', label: 'field.appointment.to', kind: 'text', hint: 'hint.instant' },
        { name: 'appointment.timeZone', label: 'field.timeZone', kind: 'text', hint: 'hint.timeZone' },
      ],
    },
    {
      id: 'dispute-prone',
      path: 'dispute-prone',
      title: 'action.disputeProne',
      group: 'work',
      when: (x) => open(x) && !x.disputeProne,
      fields: [{ name: 'reason', label: 'field.reason', kind: 'text', required: true }],
    },
    {
      id: 'policy',
      path: 'policy',
      title: 'action.policy',
      group: 'lead',
      when: open,
      fields: [{ name: 'reason', label: 'field.reason', kind: 'text', required: true }],
    },
  ];
}

const isView = (out: object): out is ComplaintView => 'stage' in out && !('accepted' in out);

/** The request body from the form: numbers and booleans typed, empty optional fields left out. */
function bodyOf(fields: Field[], values: Record<string, Value>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'checkbox') body[f.name] = v === true;
    else if (f.kind === 'multi') {
      if (Array.isArray(v) && v.length > 0) body[f.name] = v;
      else if (f.required) body[f.name] = [];
    } else if (f.kind === 'yesno') {
      if (v === 'true' || v === 'false') body[f.name] = v === 'true';
    } else if (f.kind === 'number' || (f.name === 'level' && f.kind === 'select')) {
      if (v !== '') body[f.name] = Number(v);
    } else if (typeof v === 'string' && v.trim() !== '') body[f.name] = v;
    else if (f.required) body[f.name] = '';
  }
  // "group.field" names nest: { group: { field } } (R4.8's contactWindow and appointment).
  for (const key of Object.keys(body).filter((k) => k.includes('.'))) {
    const [group, field] = key.split('.') as [string, string];
    body[group] = { ...(body[group] as Record<string, unknown> | undefined), [field]: body[key] };
    delete body[key];
  }
  return body;
}

function ActionForm({
  spec,
  ticketId,
  onDone,
}: {
  spec: ActionSpec;
  ticketId: string;
  onDone: (view: ComplaintView | undefined, action: string) => void;
}) {
  const { t } = useT();
  const initial = () =>
    Object.fromEntries(
      spec.fields.map((f) => [
        f.name,
        f.initial ??
          (f.kind === 'checkbox'
            ? false
            : f.kind === 'multi'
              ? []
              : f.kind === 'select'
                ? (f.options?.[0]?.[0] ?? '')
                : ''),
      ]),
    );
  const [values, setValues] = useState<Record<string, Value>>(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldErrors({});
    try {
      // The form builds the body from its fields; the API validates it and names what is wrong.
      const fields = bodyOf(spec.fields, values);
      const body = (spec.shape ? spec.shape(fields) : fields) as ActionBody<typeof spec.path>;
      const out = await act(ticketId, spec.path, body);
      setValues(initial());
      // An escalation is a signal: accepted now, shown once the complaint is read again.
      onDone(isView(out) ? out : undefined, t(spec.title));
    } catch (err) {
      if (err instanceof ApiError) {
        const known = new Set(spec.fields.map((f) => f.name));
        const beside: Record<string, string> = {};
        const rest: string[] = [];
        for (const [apiField, message] of Object.entries(err.fields)) {
          const field = spec.errorFields?.[apiField] ?? apiField;
          const top = known.has(field) ? field : (field.split('.')[0] ?? field);
          if (known.has(top)) beside[top] = message;
          else rest.push(`${field}: ${message}`);
        }
        setFieldErrors(beside);
        const summary = err.status === 400 && Object.keys(beside).length > 0 && rest.length === 0;
        setError(
          summary ? t('form.fixFields') : `${err.status} · ${rest.length ? rest.join('; ') : err.message}`,
        );
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const set = (name: string, v: Value) => setValues((s) => ({ ...s, [name]: v }));
  return (
    <form className="action" onSubmit={(e) => void submit(e)} data-testid={`action-${spec.id}`} noValidate>
      <h3>{t(spec.title)}</h3>
      {spec.fields.map((f) => {
        const id = `${spec.id}-${f.name}`;
        const v = values[f.name];
        const err = fieldErrors[f.name];
        const control =
          f.kind === 'textarea' ? (
            <textarea
              id={id}
              name={f.name}
              rows={3}
              value={String(v ?? '')}
              onChange={(e) => set(f.name, e.target.value)}
              aria-invalid={!!err}
            />
          ) : f.kind === 'select' ? (
            <select
              id={id}
              name={f.name}
              value={String(v ?? '')}
              onChange={(e) => set(f.name, e.target.value)}
              aria-invalid={!!err}
            >
              {(f.options ?? []).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          ) : f.kind === 'yesno' ? (
            <select
              id={id}
              name={f.name}
              value={String(v ?? '')}
              onChange={(e) => set(f.name, e.target.value)}
            >
              <option value="">{t('option.unknown')}</option>
              <option value="true">{t('option.yes')}</option>
              <option value="false">{t('option.no')}</option>
            </select>
          ) : f.kind === 'multi' ? (
            <span id={id} className="multi" role="group" aria-invalid={!!err}>
              {(f.options ?? []).map(([value, label]) => {
                const chosen = Array.isArray(v) ? v : [];
                return (
                  <label key={value} className="check">
                    <input
                      type="checkbox"
                      name={f.name}
                      value={value}
                      checked={chosen.includes(value)}
                      onChange={(e) =>
                        set(f.name, e.target.checked ? [...chosen, value] : chosen.filter((c) => c !== value))
                      }
                    />{' '}
                    {label}
                  </label>
                );
              })}
            </span>
          ) : f.kind === 'checkbox' ? (
            <input
              id={id}
              name={f.name}
              type="checkbox"
              checked={v === true}
              onChange={(e) => set(f.name, e.target.checked)}
            />
          ) : (
            <input
              id={id}
              name={f.name}
              type={f.kind === 'number' ? 'number' : 'text'}
              value={String(v ?? '')}
              onChange={(e) => set(f.name, e.target.value)}
              aria-invalid={!!err}
            />
          );
        return (
          <div key={f.name} className={f.kind === 'checkbox' ? 'field check' : 'field'}>
            <label htmlFor={id}>{t(f.label)}</label>
            {control}
            {f.hint && !err && <small className="muted">{t(f.hint)}</small>}
            {err && (
              <small className="field-error" role="alert" data-testid={`error-${f.name}`}>
                {err}
              </small>
            )}
          </div>
        );
      })}
      {error && (
        <p className="error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t(spec.title)}
      </button>
    </form>
  );
}

const GROUPS: ActionSpec['group'][] = ['work', 'reply', 'clock', 'lead'];

export function Actions({
  view,
  onDone,
}: {
  view: ComplaintView;
  onDone: (view: ComplaintView | undefined, action: string) => void;
}) {
  const { t, lang } = useT();
  const session = useSession();
  const policies = useData(
    () => (session.can('GET /v1/policies') ? get<Policies>('/v1/policies') : Promise.resolve(undefined)),
    [session.me.user],
  );
  const vocabulary = vocabularyOf(policies.value, view);
  const offered = specs(view, t, session.me.roles, lang, vocabulary).filter(
    (s) => session.can(`POST /v1/complaints/{id}/${s.path}`) && s.when(view),
  );
  if (offered.length === 0)
    return (
      <p className="muted" data-testid="no-actions">
        {view.stage === 'CLOSED' ? t('actions.closed') : t('actions.none')}
      </p>
    );
  return (
    <div data-testid="actions">
      {GROUPS.map((g) => {
        const list = offered.filter((s) => s.group === g);
        if (list.length === 0) return null;
        return (
          <div key={g} className="action-group">
            <h3 className="group-title">{t(`actions.group.${g}` as Key)}</h3>
            <div className="action-grid">
              {list.map((s) => (
                // The key includes the version: after an action the forms start from the new state.
                <ActionForm
                  key={`${s.id}-${view.version}`}
                  spec={s}
                  ticketId={view.ticketId}
                  onDone={onDone}
                />
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}
