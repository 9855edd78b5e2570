// Network evidence and the ranked pre-diagnosis (R3.1, R3.2, R3.5): hypotheses with their score
// and the evidence for and against each with its weight, then what each source gave (alarms,
// changes, interference, KPIs, CHR) and the gaps, so that the site visit is not blind.
import type { ComplaintView } from '../api';
import { useT } from '../i18n';
import { formatDateTime } from '../time';

type Outcome = NonNullable<ComplaintView['evidence']>;
type Weighed = NonNullable<Outcome['hypotheses'][number]['for']>;

/** Evidence for or against a hypothesis, each with what it adds to or takes from the likelihood. */
function WeighedList(props: { kind: 'for' | 'against'; title: string; items: Weighed; weightTitle: string }) {
  return (
    <div className={`weighed ${props.kind}`} data-testid={`hypothesis-${props.kind}`}>
      <h5>{props.title}</h5>
      <ul>
        {props.items.map((e, i) => (
          <li key={i}>
            <span className="weight" title={props.weightTitle}>
              {e.weight > 0 ? '+' : e.weight < 0 ? '−' : '±'}
              {Math.abs(e.weight).toFixed(2)}
            </span>{' '}
            {e.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Evidence({ evidence }: { evidence?: Outcome }) {
  const { t, lang } = useT();
  if (!evidence) return <p className="muted">{t('evidence.none')}</p>;
  const b = evidence.bundle;
  return (
    <div data-testid="evidence">
      <h3>{t('evidence.prediagnosis')}</h3>
      {evidence.hypotheses.length === 0 && <p className="muted">{t('evidence.noHypotheses')}</p>}
      <ol className="hypotheses">
        {evidence.hypotheses.map((h) => (
          <li key={h.id} data-testid="hypothesis">
            <div className="hyp-head">
              <strong>{h.title[lang] ?? h.title.en}</strong>
              <span className="score" title={t('evidence.score')}>
                <span className="score-track">
                  <span className="score-bar" style={{ width: `${Math.round(h.score * 100)}%` }} />
                </span>
                <span className="score-text">{Math.round(h.score * 100)}%</span>
              </span>
            </div>
            {h.for ? (
              <div className="hyp-weighed">
                <WeighedList
                  kind="for"
                  title={t('evidence.for')}
                  items={h.for}
                  weightTitle={t('evidence.weightTitle')}
                />
                {h.against && h.against.length > 0 && (
                  <WeighedList
                    kind="against"
                    title={t('evidence.against')}
                    items={h.against}
                    weightTitle={t('evidence.weightTitle')}
                  />
                )}
              </div>
            ) : (
              <ul>
                {h.evidence.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            )}
            <p className="muted">
              {t('evidence.suggested')}: {h.suggestedAction}
            </p>
          </li>
        ))}
      </ol>
      {b.gaps.length > 0 && (
        <div className="gaps">
          <h4>{t('evidence.gaps')}</h4>
          <ul>
            {b.gaps.map((g, i) => (
              <li key={i}>{g}</li>
            ))}
          </ul>
        </div>
      )}
      <h3>{t('evidence.sources')}</h3>
      <table className="list compact">
        <thead>
          <tr>
            <th>{t('evidence.source')}</th>
            <th>{t('evidence.records')}</th>
            <th>{t('evidence.details')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{t('evidence.alarms')}</td>
            <td>{b.alarms.ok ? b.alarms.total : '—'}</td>
            <td>
              {b.alarms.ok
                ? b.alarms.items
                    .slice(0, 5)
                    .map(
                      (a) =>
                        `${a.severity} ${a.type}${a.text ? ` (${a.text})` : ''} ${formatDateTime(a.raisedAt, lang)}${a.clearedAt ? ` → ${formatDateTime(a.clearedAt, lang)}` : ` · ${t('evidence.active')}`}`,
                    )
                    .join(' · ') || '—'
                : b.alarms.gap}
            </td>
          </tr>
          <tr>
            <td>{t('evidence.changes')}</td>
            <td>{b.changes.ok ? b.changes.total : '—'}</td>
            <td>
              {b.changes.ok
                ? b.changes.items
                    .slice(0, 5)
                    .map((c) => `${c.kind}: ${c.description} ${formatDateTime(c.startedAt, lang)}`)
                    .join(' · ') || '—'
                : b.changes.gap}
            </td>
          </tr>
          <tr>
            <td>{t('evidence.interference')}</td>
            <td>{b.interference.ok ? b.interference.total : '—'}</td>
            <td>
              {b.interference.ok
                ? b.interference.items
                    .slice(0, 3)
                    .map((i) => `${i.cellId} ${i.ulNoiseDbm} dBm${i.source ? ` (${i.source})` : ''}`)
                    .join(' · ') || '—'
                : b.interference.gap}
            </td>
          </tr>
          <tr>
            <td>{t('evidence.kpis')}</td>
            <td>{b.kpis.ok ? b.kpis.total : '—'}</td>
            <td>{b.kpis.ok ? '' : b.kpis.gap}</td>
          </tr>
          {b.chr && (
            <tr>
              <td>{t('evidence.chr')}</td>
              <td>{b.chr.ok ? b.chr.total : '—'}</td>
              <td>
                {b.chr.ok
                  ? b.chr.items
                      .filter((c) => c.result !== 'normal')
                      .slice(0, 5)
                      .map((c) => `${c.result} @ ${c.failedStep ?? '?'} (${c.cellId})`)
                      .join(' · ') || '—'
                  : b.chr.gap}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {b.kpiSummary.length > 0 && (
        <table className="list compact" data-testid="kpi-summary">
          <thead>
            <tr>
              <th>{t('evidence.cell')}</th>
              <th>RRC %</th>
              <th>E-RAB %</th>
              <th>{t('evidence.drop')} %</th>
              <th>RSRP P10</th>
              <th>SINR P50</th>
              <th>{t('evidence.ulNoise')}</th>
              <th>{t('evidence.busyHourPrb')}</th>
            </tr>
          </thead>
          <tbody>
            {b.kpiSummary.map((k) => (
              <tr key={k.cellId}>
                <td>{k.cellId}</td>
                <td>{k.rrcSetupSuccessRate.toFixed(1)}</td>
                <td>{k.erabSetupSuccessRate.toFixed(1)}</td>
                <td>{k.dropRate.toFixed(2)}</td>
                <td>{k.rsrpP10.toFixed(0)}</td>
                <td>{k.sinrP50.toFixed(1)}</td>
                <td>{k.ulInterferenceDbm.toFixed(0)}</td>
                <td>
                  {k.busyHourPrbDl.toFixed(0)}% @ {k.busyHour}:00
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>{t('evidence.draft')}</h4>
      <p>
        <strong>{t('evidence.checked')}:</strong> {evidence.draft.checked}
      </p>
      <p>
        <strong>{t('evidence.found')}:</strong> {evidence.draft.found}
      </p>
      <p className="muted">
        {t('evidence.gatheredAt', { at: formatDateTime(evidence.gatheredAt, lang), ms: evidence.tookMs })}
      </p>
    </div>
  );
}
