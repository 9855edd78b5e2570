// Test tasks of the guarantee areas (R7.4): the VIP manager sees every area's tasks, an engineer
// the tasks assigned to them (GET /v1/guarantee-tests), nearest due first, overdue marked; the
// assignee records the result that closes a task (measurements, conclusion, photo links). The VIP
// manager also makes a new area from a VIP profile's places (R7.5): their cells become the area's.
import { useState, type FormEvent } from 'react';
import { get, post } from '../api';
import { ErrorNote, Loading, Section } from '../components/bits';
import { FieldError, FormError, problemOf, type Problem } from '../components/problem';
import { usePageText, useT } from '../i18n';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useData } from '../useData';

const TEXT = {
  en: {
    title: 'Guarantee area test tasks',
    state: 'Show',
    open: 'open',
    overdue: 'overdue',
    done: 'done',
    all: 'all',
    empty: 'No test task.',
    area: 'Area',
    task: 'Test',
    assignee: 'Assignee',
    due: 'Due',
    status: 'Status',
    escalated: 'overdue, escalated to the VIP manager {at}',
    record: 'Record the result',
    measurements: 'Measurements, one per line: name value unit [cell], e.g. RSRP -92 dBm 460-00-12345-1',
    conclusion: 'Conclusion',
    PASS: 'Pass',
    FAIL: 'Fail',
    notes: 'Finding (required when the test failed)',
    photos: 'Photo links, one per line (https://…)',
    submit: 'Close the task with this result',
    recorded: 'Recorded {task}{late}.',
    late: ' (after its due time)',
    badLine: 'Line {n} is not "name value [unit] [cell]".',
    fromVip: 'New area from a VIP profile',
    fromVipIntro:
      "The area watches the cells of the profile's places (their cell ids, else the cells at their coordinates); none ticked = every place.",
    profile: 'VIP profile',
    pickProfile: '— pick a profile —',
    places: 'Places',
    office: 'Office',
    residence: 'Residence',
    usual: 'Usual place',
    areaId: 'Area id (letters, digits, . _ -)',
    areaName: 'Area name',
    create: 'Create the area',
    created: 'Created area {id}: cells {cells}.',
    exists: 'Area {id} exists already (its id is used once).',
  },
  'zh-CN': {
    title: '重点保障区域测试任务',
    state: '显示',
    open: '未完成',
    overdue: '已超期',
    done: '已完成',
    all: '全部',
    empty: '没有测试任务。',
    area: '保障区域',
    task: '测试',
    assignee: '负责人',
    due: '完成时限',
    status: '状态',
    escalated: '已超期，{at} 已升级至 VIP 客户经理',
    record: '录入测试结果',
    measurements: '测量值，每行一项：名称 数值 单位 [小区]，例如 RSRP -92 dBm 460-00-12345-1',
    conclusion: '结论',
    PASS: '合格',
    FAIL: '不合格',
    notes: '测试发现（不合格时必填）',
    photos: '照片链接，每行一个（https://…）',
    submit: '提交结果并关闭任务',
    recorded: '已录入 {task}{late}。',
    late: '（超过完成时限）',
    badLine: '第 {n} 行不是“名称 数值 [单位] [小区]”。',
    fromVip: '根据 VIP 客户档案新建保障区域',
    fromVipIntro:
      '保障区域监控档案中各地点的小区（地点登记的小区，否则按坐标定位的小区）；不勾选即全部地点。',
    profile: 'VIP 客户档案',
    pickProfile: '— 选择档案 —',
    places: '地点',
    office: '办公室',
    residence: '住所',
    usual: '常去地点',
    areaId: '区域编号（字母、数字、. _ -）',
    areaName: '区域名称',
    create: '新建保障区域',
    created: '已新建保障区域 {id}：小区 {cells}。',
    exists: '保障区域 {id} 已存在（编号只能使用一次）。',
  },
} as const;
const useText = () => usePageText(TEXT);

const STATES = ['open', 'overdue', 'done', 'all'] as const;
type State = (typeof STATES)[number];

interface TestTask {
  taskId: string;
  areaId: string;
  areaName: string;
  title: string;
  assignee?: string;
  status: 'OPEN' | 'DONE';
  dueAt: string;
  overdue: boolean;
  escalatedAt?: string;
  doneBy?: string;
  late?: boolean;
  result?: { conclusion: 'PASS' | 'FAIL' };
}

interface Measurement {
  name: string;
  value: number;
  unit?: string;
  cellId?: string;
}

/** `RSRP -92 dBm 460-00-12345-1` → a measurement; the line number of the first bad line otherwise. */
export function parseMeasurements(text: string): Measurement[] | { badLine: number } {
  const out: Measurement[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const [name, raw, ...rest] = line.split(/\s+/);
    const value = Number(raw);
    if (!name || raw === undefined || !Number.isFinite(value)) return { badLine: i + 1 };
    const cellId = rest.find((r) => /^\d{3}-\d{2,3}-\d+-\d+$/.test(r));
    const unit = rest.find((r) => r !== cellId);
    out.push({ name, value, ...(unit ? { unit } : {}), ...(cellId ? { cellId } : {}) });
  }
  return out;
}

export function GuaranteeTests() {
  const tx = useText();
  const { lang } = useT();
  const session = useSession();
  const [state, setState] = useState<State>('open');
  const [open, setOpen] = useState<string>();
  const data = useData(
    () => get<{ items: TestTask[] }>(`/v1/guarantee-tests?state=${state}&limit=200`),
    [state],
  );
  return (
    <main data-testid="guarantee-tests">
      <h1>{tx('title')}</h1>
      <div className="toolbar">
        <label>
          {tx('state')}{' '}
          <select name="state" value={state} onChange={(e) => setState(e.target.value as State)}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {tx(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {data.loading && !data.value && <Loading />}
      <ErrorNote error={data.error} />
      {data.value && data.value.items.length === 0 && <p className="muted">{tx('empty')}</p>}
      {data.value && data.value.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{tx('area')}</th>
              <th>{tx('task')}</th>
              <th>{tx('assignee')}</th>
              <th>{tx('due')}</th>
              <th>{tx('status')}</th>
            </tr>
          </thead>
          <tbody>
            {data.value.items.map((task) => (
              <tr
                key={task.taskId}
                className={task.overdue ? 'breached' : ''}
                data-testid="test-task"
                data-task={task.taskId}
                data-status={task.status}
              >
                <td>{task.areaName}</td>
                <td>
                  {task.title} <span className="muted">{task.taskId}</span>
                </td>
                <td>{task.assignee ?? '-'}</td>
                <td>{formatDateTime(task.dueAt, lang)}</td>
                <td>
                  {task.status === 'DONE'
                    ? `${tx('done')} · ${task.result ? tx(task.result.conclusion) : ''} · ${task.doneBy ?? ''}`
                    : task.escalatedAt
                      ? tx('escalated', { at: formatDateTime(task.escalatedAt, lang) })
                      : tx(task.overdue ? 'overdue' : 'open')}
                  {task.status === 'OPEN' && (
                    <button
                      type="button"
                      onClick={() => setOpen(open === task.taskId ? undefined : task.taskId)}
                    >
                      {tx('record')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <ResultForm key={open} taskId={open} onDone={data.reload} />}
      {session.can('POST /v1/guarantee-areas') && session.can('GET /v1/vips') && <VipAreaForm />}
    </main>
  );
}

function ResultForm({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const tx = useText();
  const [measurements, setMeasurements] = useState('');
  const [conclusion, setConclusion] = useState<'PASS' | 'FAIL'>('PASS');
  const [notes, setNotes] = useState('');
  const [photos, setPhotos] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [note, setNote] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    const parsed = parseMeasurements(measurements);
    if (!Array.isArray(parsed)) {
      const message = tx('badLine', { n: parsed.badLine });
      return setProblem({ summary: message, fields: { measurements: message } });
    }
    try {
      const out = await post<{ late: boolean }>(`/v1/guarantee-tests/${encodeURIComponent(taskId)}/result`, {
        measurements: parsed,
        conclusion,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        photos: photos
          .split('\n')
          .map((p) => p.trim())
          .filter(Boolean),
      });
      setNote(tx('recorded', { task: taskId, late: out.late ? tx('late') : '' }));
      onDone();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <Section title={`${tx('record')} · ${taskId}`} id="test-result">
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {tx('measurements')}
          <textarea
            name="measurements"
            rows={4}
            value={measurements}
            onChange={(e) => setMeasurements(e.target.value)}
          />
          <FieldError problem={problem} name="measurements" />
        </label>
        <label>
          {tx('conclusion')}{' '}
          <select
            name="conclusion"
            value={conclusion}
            onChange={(e) => setConclusion(e.target.value as 'PASS' | 'FAIL')}
          >
            <option value="PASS">{tx('PASS')}</option>
            <option value="FAIL">{tx('FAIL')}</option>
          </select>
        </label>
        <label>
          {tx('notes')}
          <textarea name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
          <FieldError problem={problem} name="notes" />
        </label>
        <label>
          {tx('photos')}
          <textarea name="photos" rows={2} value={photos} onChange={(e) => setPhotos(e.target.value)} />
          <FieldError problem={problem} name="photos" />
        </label>
        <button type="submit">{tx('submit')}</button>
      </form>
      {note && (
        <p className="notice" role="status" data-testid="notice">
          {note}
        </p>
      )}
      <FormError problem={problem} />
    </Section>
  );
}

interface VipItem {
  profileId: string;
  name?: string;
  number: string;
  vipLevel: number;
  active?: boolean;
}
interface VipPlace {
  label: string;
}
interface VipProfile {
  profileId: string;
  office?: VipPlace;
  residence?: VipPlace;
  activityLocations?: VipPlace[];
}
interface AreaCreated {
  created: boolean;
  areaId: string;
  definition?: { cells: string[] };
}

/** The places of a profile the API can pick (`office`, `residence`, or a usual place's label). */
function placeChoices(
  p: VipProfile,
): { value: string; kind: 'office' | 'residence' | 'usual'; label: string }[] {
  return [
    ...(p.office ? [{ value: 'office', kind: 'office' as const, label: p.office.label }] : []),
    ...(p.residence ? [{ value: 'residence', kind: 'residence' as const, label: p.residence.label }] : []),
    ...(p.activityLocations ?? []).map((l) => ({ value: l.label, kind: 'usual' as const, label: l.label })),
  ];
}

/** POST /v1/guarantee-areas with fromVip (R7.5): the area's cells come from the profile's places. */
function VipAreaForm() {
  const tx = useText();
  const vips = useData(() => get<{ items: VipItem[] }>('/v1/vips'), []);
  const [profileId, setProfileId] = useState('');
  const profile = useData(
    () =>
      profileId ? get<VipProfile>(`/v1/vips/${encodeURIComponent(profileId)}`) : Promise.resolve(undefined),
    [profileId],
  );
  const [places, setPlaces] = useState<string[]>([]);
  const [areaId, setAreaId] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setNote(undefined);
    try {
      const out = await post<AreaCreated>('/v1/guarantee-areas', {
        areaId: areaId.trim(),
        name: name.trim(),
        fromVip: { profileId, ...(places.length ? { places } : {}) },
      });
      setNote(
        out.created
          ? tx('created', { id: out.areaId, cells: out.definition?.cells.join(', ') ?? '' })
          : tx('exists', { id: out.areaId }),
      );
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={tx('fromVip')} id="area-from-vip">
      <p className="muted">{tx('fromVipIntro')}</p>
      <ErrorNote error={vips.error} />
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="area-from-vip-form">
        <label>
          {tx('profile')}
          <select
            name="profileId"
            value={profileId}
            onChange={(e) => {
              setProfileId(e.target.value);
              setPlaces([]);
            }}
          >
            <option value="">{tx('pickProfile')}</option>
            {vips.value?.items.map((v) => (
              <option key={v.profileId} value={v.profileId}>
                {v.name ?? v.profileId} · {v.number} · VIP{v.vipLevel}
              </option>
            ))}
          </select>
          <FieldError problem={problem} name="fromVip" />
        </label>
        {profile.value && (
          <fieldset>
            <legend>{tx('places')}</legend>
            {placeChoices(profile.value).map((p) => (
              <label key={`${p.kind}-${p.value}`} className="check">
                <input
                  type="checkbox"
                  name="places"
                  value={p.value}
                  checked={places.includes(p.value)}
                  onChange={(e) =>
                    setPlaces((s) => (e.target.checked ? [...s, p.value] : s.filter((x) => x !== p.value)))
                  }
                />{' '}
                {tx(p.kind)}「{p.label}」
              </label>
            ))}
          </fieldset>
        )}
        <label>
          {tx('areaId')}
          <input name="areaId" value={areaId} onChange={(e) => setAreaId(e.target.value)} />
          <FieldError problem={problem} name="areaId" />
        </label>
        <label>
          {tx('areaName')}
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
          <FieldError problem={problem} name="name" />
        </label>
        <button type="submit" disabled={busy || !profileId}>
          {tx('create')}
        </button>
      </form>
      {note && (
        <p className="notice" role="status" data-testid="notice">
          {note}
        </p>
      )}
      <FormError problem={problem} />
    </Section>
  );
}
