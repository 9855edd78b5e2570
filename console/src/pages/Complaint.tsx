// One complaint (GET /v1/complaints/{id}): the customer's words, the place and its cells, every
// SLA clock with a live countdown, the evidence and ranked pre-diagnosis, the timeline, a link to
// the workflow in the Temporal Web UI, and the actions the person may take.
import { useState } from 'react';
import { complaintPath, get, type ComplaintView } from '../api';
import { Actions } from '../components/Actions';
import { CellMap } from '../components/CellMap';
import { Countdown, ErrorNote, Flags, Loading, Section, StageBadge } from '../components/bits';
import { Evidence } from '../components/Evidence';
import { Timeline } from '../components/Timeline';
import { useT } from '../i18n';
import { formatDateTime, formatDuration } from '../time';
import { useData } from '../useData';

function Clocks({ view }: { view: ComplaintView }) {
  const { t, lang } = useT();
  if (view.clocks.length === 0) return <p className="muted">{t('clocks.none')}</p>;
  return (
    <table className="list" data-testid="clocks">
      <thead>
        <tr>
          <th>{t('clocks.clock')}</th>
          <th>{t('clocks.state')}</th>
          <th>{t('clocks.due')}</th>
          <th>{t('clocks.countdown')}</th>
          <th>{t('clocks.target')}</th>
          <th>{t('clocks.elapsed')}</th>
          <th>{t('clocks.paused')}</th>
          <th>{t('clocks.extended')}</th>
        </tr>
      </thead>
      <tbody>
        {view.clocks.map((c) => (
          <tr key={c.name} data-testid="clock" data-clock={c.name}>
            <td>{t.e('clock', c.name)}</td>
            <td>
              <span className={`badge clock-${c.state}`}>{t.e('clockState', c.state)}</span>
            </td>
            <td>{formatDateTime(c.dueAt, lang)}</td>
            <td>{c.state === 'running' ? <Countdown due={c.dueAt} /> : <span className="muted">—</span>}</td>
            <td>{formatDuration(c.targetMs)}</td>
            <td>{formatDuration(c.elapsedMs)}</td>
            <td>{c.pausedMs ? formatDuration(c.pausedMs) : '—'}</td>
            <td>{c.extendedMs ? formatDuration(c.extendedMs) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The customer's window and appointment (R4.8), and until when a contact waits for them. */
function contactPreferencesText(
  view: ComplaintView,
  waitsUntil: string,
  lang: ReturnType<typeof useT>['lang'],
): string | undefined {
  const p = view.contactPreferences;
  const w = p?.contactWindow;
  const a = p?.appointment;
  const waiting = view.contacts.find((c) => !c.endedAt && c.windowOpensAt)?.windowOpensAt;
  const parts = [
    w && `${w.days?.length ? `${w.days.join(',')} ` : ''}${w.from}–${w.to} (${w.timeZone})`,
    a && `${formatDateTime(a.from, lang)}–${formatDateTime(a.to, lang)} (${a.timeZone})`,
    waiting && `${waitsUntil} ${formatDateTime(waiting, lang)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

function Facts({ view }: { view: ComplaintView }) {
  const { t, lang } = useT();
  const i = view.input;
  const rows: [string, string | undefined][] = [
    [t('field.channel'), `${t.e('channel', i.channel)} · ${i.externalId}`],
    [t('field.category'), t.e('category', i.category)],
    [t('field.urgency'), t.e('urgency', i.urgency)],
    [t('field.received'), formatDateTime(i.receivedAt, lang)],
    [
      t('field.occurrence'),
      [
        t.e('frequency', i.occurrence.frequency),
        i.occurrence.timeOfDay,
        i.occurrence.since && formatDateTime(i.occurrence.since, lang),
      ]
        .filter(Boolean)
        .join(' · '),
    ],
    [t('field.terminal'), [i.terminal.model, i.terminal.imei].filter(Boolean).join(' · ') || undefined],
    [t('field.callback'), i.numbers.callback],
    [t('field.calling'), i.numbers.calling],
    [t('field.called'), i.numbers.called],
    [
      t('field.customer'),
      [i.customer.name, i.customer.vipLevel ? `VIP${i.customer.vipLevel}` : undefined, i.customer.language]
        .filter(Boolean)
        .join(' · '),
    ],
    [t('field.assignee'), view.assignee ?? view.triage?.assignee],
    [t('field.team'), view.team],
    [t('field.rounds'), String(view.rounds)],
    [t('contact.preferences'), contactPreferencesText(view, t('contact.waitsUntil'), lang)],
  ];
  return (
    <dl className="facts">
      {rows
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Complaint({ id }: { id: string }) {
  const { t } = useT();
  const data = useData(() => get<ComplaintView>(complaintPath(id)), [id]);
  const [notice, setNotice] = useState<string>();
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const view = data.value;
  const i = view.input;

  const done = (next: ComplaintView | undefined, action: string) => {
    setNotice(t('actions.done', { action }));
    if (next) data.set({ ...next, links: view.links });
    else data.reload();
  };

  return (
    <main className="complaint" data-testid="complaint" data-stage={view.stage}>
      <header className="complaint-head">
        <h1>
          {view.ticketId} <StageBadge stage={view.stage} />{' '}
          <Flags c={{ ...view, vipLevel: i.customer.vipLevel, major: !!view.major }} />
        </h1>
        <div className="links">
          <a href={view.links.temporalUi} target="_blank" rel="noreferrer" data-testid="temporal-link">
            {t('complaint.temporalUi')}
          </a>
          <button type="button" onClick={data.reload}>
            {t('common.refresh')}
          </button>
        </div>
      </header>
      {notice && (
        <p className="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      <ErrorNote error={data.error} />
      <div className="columns">
        <div>
          <Section title={t('complaint.words')} id="words">
            <blockquote className="words">{i.description}</blockquote>
            {i.extra && <p className="muted">{i.extra}</p>}
            <Facts view={view} />
          </Section>
          <Section title={t('complaint.location')} id="location">
            <p>
              {[
                i.location.address,
                i.location.region,
                i.location.cellId && `${t('field.cell')} ${i.location.cellId}`,
                i.location.coordinates &&
                  `${i.location.coordinates.lat.toFixed(5)}, ${i.location.coordinates.lng.toFixed(5)}`,
              ]
                .filter(Boolean)
                .join(' · ')}
            </p>
            <CellMap view={view} />
          </Section>
        </div>
        <div>
          <Section title={t('complaint.clocks')} id="clocks-section">
            <Clocks view={view} />
            {view.policy && (
              <p className="muted">
                {t('complaint.policy', { id: view.policy.id, version: view.policy.version })}
              </p>
            )}
          </Section>
          <Section title={t('complaint.actions')} id="actions-section">
            <Actions view={view} onDone={done} />
          </Section>
        </div>
      </div>
      <Section title={t('complaint.evidence')} id="evidence-section">
        <Evidence evidence={view.evidence} />
      </Section>
      <Section title={t('complaint.work')} id="work-section">
        <WorkRecord view={view} />
      </Section>
      <Section title={t('complaint.timeline')} id="timeline-section">
        <Timeline view={view} />
      </Section>
    </main>
  );
}

/** 协助查证 (R2.3): the departments still waited for, and the interface person's coordination tasks. */
function Coordination({ view }: { view: ComplaintView }) {
  const { t, lang } = useT();
  const awaiting = (view.verificationRequests ?? []).filter((r) => !r.answeredAt);
  return (
    <>
      {awaiting.length > 0 && (
        <p data-testid="awaiting-departments">
          <strong>{t('work.awaiting')}:</strong>{' '}
          {awaiting
            .map((r) => `${t.e('department', r.department)} (${formatDateTime(r.at, lang)})`)
            .join(' · ')}
        </p>
      )}
      {(view.coordination ?? []).map((c) => (
        <p key={c.clock} data-testid="coordination">
          <strong>{t('work.coordination')}:</strong>{' '}
          {c.departments.map((d) => t.e('department', d)).join(', ')} ·{' '}
          {c.outcome === 'ALL_ANSWERED'
            ? t('work.coordinationAllAnswered')
            : c.outcome === 'CLOSED'
              ? t('work.coordinationClosed')
              : t('work.coordinationOpen')}
          <span className="muted"> — {formatDateTime(c.openedAt, lang)}</span>
        </p>
      ))}
    </>
  );
}

/**
 * What was decided and written: triage, verifications, findings, resolution, replies, the notes
 * people added (with their attachment links), escalations, report.
 */
function WorkRecord({ view }: { view: ComplaintView }) {
  const { t, lang } = useT();
  const by = (x: { by: string; at: string }) => (
    <span className="muted">
      {' '}
      — {x.by}, {formatDateTime(x.at, lang)}
    </span>
  );
  return (
    <div className="work">
      {view.triage && (
        <p>
          <strong>{t('action.triage')}:</strong> {t.e('decision', view.triage.decision)}
          {view.triage.department ? ` → ${t.e('department', view.triage.department)}` : ''}
          {view.triage.note ? ` · ${view.triage.note}` : ''}
          {by(view.triage)}
        </p>
      )}
      <Coordination view={view} />
      {view.verifications.map((v, n) => (
        <p key={`v${n}`}>
          <strong>
            {t('action.verification')} ({t.e('department', v.department)}):
          </strong>{' '}
          {v.result}
          {by(v)}
        </p>
      ))}
      {view.findings.map((f, n) => (
        <p key={`f${n}`}>
          <strong>{t('action.findings')}:</strong> {t('field.checked')}: {f.checked} · {t('field.found')}:{' '}
          {f.found}
          {f.onSite ? ` · ${t('field.onSite')}` : ''}
          {by(f)}
        </p>
      ))}
      {view.resolution && (
        <p>
          <strong>{t('action.resolve')}:</strong> {view.resolution.summary} · {t('field.rootCause')}:{' '}
          {view.resolution.rootCause} · {t('field.actions')}: {view.resolution.actions}
          {by(view.resolution)}
        </p>
      )}
      {view.replies.map((r, n) => (
        <p key={`r${n}`}>
          <strong>
            {t('action.reply')} ({t.e('replyKind', r.kind)}, {r.method}):
          </strong>{' '}
          {r.summary} · {r.counts ? t('reply.counts') : t('reply.notCounted')}
          {r.satisfied !== undefined
            ? ` · ${r.satisfied ? t('reply.satisfied') : t('reply.unsatisfied')}`
            : ''}
          {by(r)}
        </p>
      ))}
      {view.timeline
        .filter((e) => e.action === 'NOTE')
        .map((e, n) => (
          <p key={`n${n}`} data-testid="note">
            <strong>{t('action.note')}:</strong> {e.detail}
            {(e.attachments ?? []).map((a, k) => (
              // Links people gave (http(s) only, checked by the API); opened apart from the console.
              <span key={k} data-testid="note-attachment">
                {' · '}
                <a href={a.url} target="_blank" rel="noopener noreferrer">
                  {a.name}
                </a>
              </span>
            ))}
            {by({ by: e.actor, at: e.at })}
          </p>
        ))}
      {view.escalations.map((e, n) => (
        <p key={`e${n}`} data-testid="escalation">
          <strong>
            {t('action.escalate')} {e.level} ({e.title}, {t.e('role', e.role)}):
          </strong>{' '}
          {e.reason} · {e.source}
          {e.acknowledgedBy
            ? ` · ${t('escalation.acknowledged', { by: e.acknowledgedBy, at: formatDateTime(e.acknowledgedAt, lang) })}`
            : ` · ${t('escalation.waiting')}`}
          {by(e)}
        </p>
      ))}
      {view.major && (
        <p>
          <strong>{t('flag.major')}:</strong> {view.major.reason}
          {by(view.major)}
        </p>
      )}
      {view.majorReport && (
        <p>
          <strong>{t('action.majorReport')}:</strong> {view.majorReport.title} · {view.majorReport.result}
          {by(view.majorReport)}
        </p>
      )}
      {view.careCallback && (
        <p>
          <strong>{t('complaint.careCallback')}:</strong> {formatDateTime(view.careCallback.dueAt, lang)}
          {view.careCallback.answer ? ` · ${view.careCallback.answer}` : ''}
        </p>
      )}
      {view.repeatOf?.length ? (
        <p>
          <strong>{t('complaint.repeatOf')}:</strong>{' '}
          {view.repeatOf.map((r) => `${r.ticketId} (${r.by})`).join(', ')}
        </p>
      ) : null}
    </div>
  );
}
