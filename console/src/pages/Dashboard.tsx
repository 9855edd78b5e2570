// Supervisor dashboard: open complaints by stage, clocks close to breach, escalations waiting for
// acknowledgement, active mass incidents and guarantee areas in alert. Incidents and guarantee
// areas come from their own routes; while those are not deployed (404) the section says so. An
// incident links to its page (./Incidents.tsx), where its plan is worked through.
import { ApiError, get, type ComplaintSummary } from '../api';
import { BarChart } from '../components/charts';
import { Countdown, ErrorNote, Flags, Loading, Section, StageBadge } from '../components/bits';
import { useT } from '../i18n';
import { Link } from '../router';
import { formatDateTime } from '../time';
import { useData } from '../useData';

const OPEN_STAGES = ['RECEIVED', 'TRIAGED', 'TRANSFERRED', 'IN_PROGRESS', 'RESOLVED', 'REPLYING', 'REOPENED'];

interface Incident {
  incidentId: string;
  areaKey: string;
  stage: 'OPEN' | 'RESOLVED' | 'CLOSED';
  complaintCount: number;
  startedAt: string;
}
interface GuaranteeArea {
  areaId: string;
  name: string;
  status: 'OK' | 'ALERT' | 'PAUSED' | 'ENDED';
  cells: string[];
}

/** `{ items }` of an optional route; `unavailable` when it answers 404 (not deployed yet). */
async function optional<T>(path: string): Promise<{ items: T[] } | 'unavailable' | 'forbidden'> {
  try {
    return await get<{ items: T[] }>(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return 'unavailable';
    if (err instanceof ApiError && err.status === 403) return 'forbidden';
    throw err;
  }
}

function Rows({ items, empty }: { items: ComplaintSummary[]; empty: string }) {
  const { t } = useT();
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="list compact">
      <thead>
        <tr>
          <th>{t('field.ticket')}</th>
          <th>{t('field.stage')}</th>
          <th>{t('field.flags')}</th>
          <th>{t('field.nextDeadline')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.ticketId} data-ticket={c.ticketId}>
            <td>
              <Link to={`/complaints/${encodeURIComponent(c.ticketId)}`}>{c.ticketId}</Link>
            </td>
            <td>
              <StageBadge stage={c.stage} />
            </td>
            <td>
              <Flags c={c} />
            </td>
            <td>
              <Countdown due={c.nextDueAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard() {
  const { t, lang } = useT();
  const stages = useData(
    () =>
      Promise.all(
        OPEN_STAGES.map((stage) =>
          get<{ total: number }>(`/v1/complaints?stage=${stage}&limit=1`).then((r) => ({
            stage,
            total: r.total,
          })),
        ),
      ),
    [],
  );
  const dueSoon = useData(
    () => get<{ items: ComplaintSummary[] }>('/v1/worklists/due-soon?withinHours=4&limit=20'),
    [],
  );
  const breached = useData(() => get<{ items: ComplaintSummary[] }>('/v1/worklists/breached?limit=20'), []);
  // Waiting for acknowledgement at any level: the newest complaints, filtered here (the list API has no such filter).
  const waiting = useData(
    () =>
      get<{ items: ComplaintSummary[] }>('/v1/complaints?limit=200').then((r) =>
        r.items.filter((c) => c.awaitingAckRole && c.stage !== 'CLOSED'),
      ),
    [],
  );
  const incidents = useData(() => optional<Incident>('/v1/incidents'), []);
  const areas = useData(() => optional<GuaranteeArea>('/v1/guarantee-areas'), []);

  const reloadAll = () => [stages, dueSoon, breached, waiting, incidents, areas].forEach((d) => d.reload());
  const openTotal = stages.value?.reduce((s, x) => s + x.total, 0) ?? 0;

  return (
    <main data-testid="dashboard">
      <div className="page-head">
        <h1>{t('nav.dashboard')}</h1>
        <button type="button" onClick={reloadAll}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="columns">
        <Section title={t('dashboard.byStage', { n: openTotal })} id="by-stage">
          {stages.loading && !stages.value && <Loading />}
          <ErrorNote error={stages.error} />
          {stages.value && (
            <BarChart
              title={t('dashboard.byStage', { n: openTotal })}
              bars={stages.value.map((s) => ({
                label: t.e('stage', s.stage),
                value: s.total,
                tone: `stage-${s.stage}`,
              }))}
            />
          )}
        </Section>
        <Section title={t('dashboard.waitingAck')} id="waiting-ack">
          <ErrorNote error={waiting.error} />
          {waiting.value && <Rows items={waiting.value} empty={t('dashboard.noneWaiting')} />}
        </Section>
      </div>
      <div className="columns">
        <Section title={t('dashboard.dueSoon')} id="due-soon">
          <ErrorNote error={dueSoon.error} />
          {dueSoon.value && <Rows items={dueSoon.value.items} empty={t('dashboard.noneDue')} />}
        </Section>
        <Section title={t('dashboard.breached')} id="breached">
          <ErrorNote error={breached.error} />
          {breached.value && <Rows items={breached.value.items} empty={t('dashboard.noneBreached')} />}
        </Section>
      </div>
      <div className="columns">
        <Section title={t('dashboard.incidents')} id="incidents">
          <ErrorNote error={incidents.error} />
          {incidents.value === 'unavailable' && (
            <p className="muted" data-testid="unavailable">
              {t('common.notAvailable')}
            </p>
          )}
          {incidents.value === 'forbidden' && <p className="muted">{t('common.forbidden')}</p>}
          {typeof incidents.value === 'object' &&
            (() => {
              const active = incidents.value.items.filter((i) => i.stage === 'OPEN');
              return active.length === 0 ? (
                <p className="muted">{t('dashboard.noIncidents')}</p>
              ) : (
                <table className="list compact">
                  <thead>
                    <tr>
                      <th>{t('dashboard.incident')}</th>
                      <th>{t('dashboard.area')}</th>
                      <th>{t('dashboard.complaints')}</th>
                      <th>{t('dashboard.since')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {active.map((i) => (
                      <tr key={i.incidentId} data-incident={i.incidentId}>
                        <td>
                          <Link to={`/incidents/${encodeURIComponent(i.incidentId)}`}>{i.incidentId}</Link>
                        </td>
                        <td>{i.areaKey}</td>
                        <td>{i.complaintCount}</td>
                        <td>{formatDateTime(i.startedAt, lang)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              );
            })()}
        </Section>
        <Section title={t('dashboard.areas')} id="areas">
          <ErrorNote error={areas.error} />
          {areas.value === 'unavailable' && (
            <p className="muted" data-testid="unavailable">
              {t('common.notAvailable')}
            </p>
          )}
          {areas.value === 'forbidden' && <p className="muted">{t('common.forbidden')}</p>}
          {typeof areas.value === 'object' &&
            (() => {
              const alerting = areas.value.items.filter((a) => a.status === 'ALERT');
              return alerting.length === 0 ? (
                <p className="muted">{t('dashboard.noAreas')}</p>
              ) : (
                <ul>
                  {alerting.map((a) => (
                    <li key={a.areaId}>
                      <span className="flag breached">{t('dashboard.alert')}</span> {a.name} ·{' '}
                      {a.cells.join(', ')}
                    </li>
                  ))}
                </ul>
              );
            })()}
        </Section>
      </div>
    </main>
  );
}
