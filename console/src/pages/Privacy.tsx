// Personal data (issue 22, S8) for admins and privacy officers: the retention policy (edited as
// JSON, every version kept), the sweeps (run now, recent outcomes), and people's requests to
// export or erase what is kept about a phone number, with each request's trail and export.
import { useState, type FormEvent } from 'react';
import type { RetentionPolicy } from '../../../domain/policy/retention';
import { get, getBlob, post } from '../api';
import { ErrorNote, Loading, Section } from '../components/bits';
import { usePageText, useT } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useData } from '../useData';

const TEXT = {
  en: {
    title: 'Personal data',
    policy: 'Retention policy',
    version: 'version {v}',
    temporal: 'Temporal keeps closed workflow histories {h} h.',
    save: 'Save as a new version',
    saved: 'Saved version {v}.',
    sweeps: 'Retention sweeps',
    runNow: 'Run the sweep now',
    sweepReason: 'Why now (kept in the audit trail)',
    triggered: 'Triggered; the outcome appears below when it is done.',
    noSweeps: 'No sweep yet.',
    sweepLine: '{n} complaints ({kinds}), {w} workflow runs deleted, {s} skipped',
    requests: "People's requests",
    kind: 'Request',
    EXPORT: 'Export (a copy of everything kept)',
    ERASE: 'Erase (except what a legal hold keeps)',
    number: 'Phone number (E.164)',
    reason: 'Reason (how the request came in, how the person was verified)',
    submit: 'Start the request',
    noRequests: 'No request yet.',
    found: 'Found',
    erased: 'Erased',
    held: 'Kept (legal hold)',
    trail: 'Audit trail',
    verified: 'The trail verifies.',
    notVerified: 'The trail does NOT verify.',
    download: 'Download the export (JSON)',
  },
  'zh-CN': {
    title: '个人信息',
    policy: '保存期限策略',
    version: '版本 {v}',
    temporal: 'Temporal 保留已结束工作流历史 {h} 小时。',
    save: '保存为新版本',
    saved: '已保存版本 {v}。',
    sweeps: '到期清理',
    runNow: '立即执行清理',
    sweepReason: '立即执行的原因（记入审计）',
    triggered: '已触发；完成后结果显示在下方。',
    noSweeps: '尚未执行清理。',
    sweepLine: '{n} 件投诉（{kinds}），删除工作流 {w} 个，跳过 {s} 件',
    requests: '个人请求',
    kind: '请求类型',
    EXPORT: '导出（所保存信息的副本）',
    ERASE: '删除（法定保留的除外）',
    number: '手机号码（E.164）',
    reason: '原因（请求来源、身份核验方式）',
    submit: '提交请求',
    noRequests: '暂无请求。',
    found: '查到',
    erased: '已删除',
    held: '保留（法定保留）',
    trail: '审计记录',
    verified: '审计链校验通过。',
    notVerified: '审计链校验未通过！',
    download: '下载导出文件（JSON）',
  },
} as const;
const useText = () => usePageText(TEXT);

interface RetentionView {
  active: RetentionPolicy;
  history: { version: number; updatedBy: string; updatedAt: string }[];
  temporal: { namespace: string; hours?: number };
}
interface SweepItem {
  id: string;
  trigger: string;
  finishedAt: string;
  result: {
    totals: { complaints: number; byKind: Record<string, number>; skipped: number; workflowsDeleted: number };
  };
}
interface RequestItem {
  requestId: string;
  kind: 'EXPORT' | 'ERASE';
  state: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  subjectHint: string;
}
interface RequestDetail extends RequestItem {
  status?: {
    found?: { complaints: { ticketId: string; stage: string; hold?: string }[] };
    erased: string[];
    held: { ticketId: string; reason: string }[];
  };
  exportExpiresAt?: string;
  trail: { seq: number; at: string; actor: string; action: string; detail?: string }[];
  trailVerified: boolean;
  links: { self: string; export: string };
}

export function Privacy({ id }: { id?: string }) {
  const tx = useText();
  return (
    <main data-testid="privacy">
      <div className="page-head">
        <h1>{tx('title')}</h1>
      </div>
      <div className="columns">
        <div>
          <PolicyEditor />
          <Sweeps />
        </div>
        <div>
          <Requests />
          {id && <RequestView key={id} id={id} />}
        </div>
      </div>
    </main>
  );
}

function PolicyEditor() {
  const tx = useText();
  const { lang } = useT();
  const data = useData(() => get<RetentionView>('/v1/admin/retention'), []);
  const [text, setText] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const v = data.value;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const out = await post<{ version: number }>(
        '/v1/admin/retention',
        JSON.parse(text ?? JSON.stringify(v.active)) as unknown,
      );
      setSaved(out.version);
      setText(undefined);
      data.reload();
    } catch (err) {
      setError(err instanceof SyntaxError ? new Error(err.message) : err);
    }
  };
  return (
    <Section title={`${tx('policy')} (${tx('version', { v: v.active.version })})`} id="retention-policy">
      {v.temporal.hours !== undefined && <p className="muted">{tx('temporal', { h: v.temporal.hours })}</p>}
      <form onSubmit={(e) => void save(e)}>
        <textarea
          name="policy"
          rows={18}
          spellCheck={false}
          style={{ width: '100%', fontFamily: 'monospace' }}
          value={text ?? JSON.stringify(v.active, null, 2)}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">{tx('save')}</button>
      </form>
      {saved !== undefined && <p>{tx('saved', { v: saved })}</p>}
      <ErrorNote error={error} />
      <ul className="muted">
        {v.history.map((h) => (
          <li key={h.version}>
            v{h.version} · {h.updatedBy} · {formatDateTime(h.updatedAt, lang)}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Sweeps() {
  const tx = useText();
  const { lang } = useT();
  const session = useSession();
  const data = useData(() => get<{ items: SweepItem[] }>('/v1/admin/retention/sweeps?limit=10'), []);
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const run = async () => {
    setError(undefined);
    try {
      await post('/v1/admin/retention/sweeps', { reason });
      setNote(tx('triggered'));
      setTimeout(data.reload, 3000);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={tx('sweeps')} id="retention-sweeps">
      {session.can('POST /v1/admin/retention/sweeps') && (
        <p>
          <label>
            {tx('sweepReason')}{' '}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>{' '}
          <button type="button" onClick={() => void run()}>
            {tx('runNow')}
          </button>
        </p>
      )}
      {note && <p className="muted">{note}</p>}
      <ErrorNote error={error ?? data.error} />
      {data.value?.items.length === 0 && <p className="muted">{tx('noSweeps')}</p>}
      <ul>
        {data.value?.items.map((s) => (
          <li key={s.id}>
            {formatDateTime(s.finishedAt, lang)} ({s.trigger}):{' '}
            {tx('sweepLine', {
              n: s.result.totals.complaints,
              kinds:
                Object.entries(s.result.totals.byKind)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ') || '—',
              w: s.result.totals.workflowsDeleted,
              s: s.result.totals.skipped,
            })}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Requests() {
  const tx = useText();
  const { lang } = useT();
  const list = useData(() => get<{ items: RequestItem[] }>('/v1/admin/privacy/requests?limit=50'), []);
  const [form, setForm] = useState({ kind: 'EXPORT', number: '', reason: '' });
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await post('/v1/admin/privacy/requests', form);
      setForm({ ...form, number: '', reason: '' });
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={tx('requests')} id="privacy-requests">
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label>
          {tx('kind')}{' '}
          <select value={form.kind} name="kind" onChange={(e) => setForm({ ...form, kind: e.target.value })}>
            <option value="EXPORT">{tx('EXPORT')}</option>
            <option value="ERASE">{tx('ERASE')}</option>
          </select>
        </label>
        <label>
          {tx('number')}{' '}
          <input
            name="number"
            value={form.number}
            placeholder="+8613912345678"
            onChange={(e) => setForm({ ...form, number: e.target.value })}
          />
        </label>
        <label>
          {tx('reason')}{' '}
          <input
            name="reason"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          />
        </label>
        <button type="submit">{tx('submit')}</button>
      </form>
      <ErrorNote error={error ?? list.error} />
      {list.value?.items.length === 0 && <p className="muted">{tx('noRequests')}</p>}
      <ul>
        {list.value?.items.map((r) => (
          <li key={r.requestId}>
            <Link to={`/privacy/${encodeURIComponent(r.requestId)}`}>{r.requestId}</Link> {r.kind}{' '}
            {r.subjectHint} · {r.state} · {r.requestedBy} · {formatDateTime(r.requestedAt, lang)}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function RequestView({ id }: { id: string }) {
  const tx = useText();
  const { lang } = useT();
  const data = useData(
    () => get<RequestDetail>(`/v1/admin/privacy/requests/${encodeURIComponent(id)}`),
    [id],
  );
  const [error, setError] = useState<unknown>();
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const r = data.value;
  const download = async () => {
    try {
      const url = URL.createObjectURL(await getBlob(r.links.export));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${r.requestId}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Section title={`${r.requestId} · ${r.kind} · ${r.state}`} id="privacy-request">
      <p>{r.reason}</p>
      <p>
        {tx('found')}:{' '}
        {(r.status?.found?.complaints ?? []).map((c) => `${c.ticketId} (${c.stage})`).join(', ') || '—'}
      </p>
      <p>
        {tx('erased')}: {r.status?.erased.join(', ') || '—'}
      </p>
      <p>
        {tx('held')}: {r.status?.held.map((h) => `${h.ticketId}: ${h.reason}`).join('; ') || '—'}
      </p>
      {r.kind === 'EXPORT' && r.state === 'DONE' && (
        <button type="button" onClick={() => void download()}>
          {tx('download')}
        </button>
      )}
      <ErrorNote error={error} />
      <h3>{tx('trail')}</h3>
      <p className={r.trailVerified ? 'muted' : 'error'}>
        {r.trailVerified ? tx('verified') : tx('notVerified')}
      </p>
      <ol>
        {r.trail.map((e) => (
          <li key={e.seq}>
            {formatDateTime(e.at, lang)} · {e.actor} · {e.action}
            {e.detail ? ` · ${e.detail}` : ''}
          </li>
        ))}
      </ol>
    </Section>
  );
}
