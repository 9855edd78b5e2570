// A labelled month for measuring the pre-diagnosis (R3.5, issue 25): the synthetic city of
// generate.ts with a month of hourly KPIs and interference for every cell, and 300 complaints, each
// with one known cause planted in the data it will be diagnosed from. Problems overlap as they do
// in a real network: several per site (one sector's fault beside another sector's congestion), a
// cause spilling onto neighbour cells (interference, a site-wide cutover), KPI noise and one-hour
// spikes, flapping minor alarms, short outages that cleared long before, changes that went well,
// changes outside the complaint's window, busy cells below the capacity threshold and cells with a
// weak edge but no complaint. Deterministic for a seed (no clock, no Math.random).
//
// The causes (the label is what a handler would have written as the root cause):
//   FAULT_ALARM      a hardware or transport fault of the serving cell or site, alarmed
//                    (persistent, or outages that come and go, or a site's transport flapping)
//   RECENT_CHANGE    a cutover, upgrade or parameter change that degraded the serving cell
//   UL_INTERFERENCE  an external interferer raising the uplink noise (all day or in working hours)
//   CAPACITY         the serving cell saturates in its busy hours
//   WEAK_COVERAGE    the customer's place is at the weak edge of the serving cell (far, off the
//                    beam, indoors) of a cell whose weak tail is long
//   NO_RADIO_CAUSE   nothing wrong on the radio side of the customer's cell: core network,
//                    provisioning (VoLTE, APN), the terminal or billing
import { pointsAt, serveByCoordinates } from '../../activities/evidence/geo';
import type { NetworkDataSet } from '../../activities/evidence/memory';
import type { Alarm, Cell, ChangeEvent, InterferenceSample, KpiSample } from '../../domain/evidence';
import type { Category, ComplaintInput } from '../../workflows/complaint/contract';
import { kpiRow, load, makeCells, offset, Rng, type CellProfile } from './generate';

const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
const LOCAL = 8 * H;

export const PLANTED_CAUSES = [
  'FAULT_ALARM',
  'RECENT_CHANGE',
  'UL_INTERFERENCE',
  'CAPACITY',
  'WEAK_COVERAGE',
  'NO_RADIO_CAUSE',
] as const;
export type PlantedCause = (typeof PLANTED_CAUSES)[number];

export interface LabelledComplaint {
  input: ComplaintInput;
  cause: PlantedCause;
  /** The planted problem the complaint is about (several complaints can share one). */
  problemId: string;
  servingCellId: string;
  /** How it was planted, for reading a confusion: e.g. 'flapping outages, evening'. */
  variant: string;
}

export interface LabelledMonth {
  seed: number;
  from: string;
  to: string;
  data: NetworkDataSet;
  complaints: LabelledComplaint[];
}

export interface LabelledMonthOptions {
  seed: number;
  /** End of the month (exclusive); default 2026-12-01 00:00 Beijing time. */
  end?: Date;
  /** Complaints per cause (default 50: 300 in all). */
  perCause?: number;
}

export const DEFAULT_MONTH_END = new Date('2026-11-30T16:00:00.000Z');

type Effect = (ms: number, k: KpiSample, rng: Rng) => void;
interface Span {
  from: number;
  to: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const localHour = (ms: number) => new Date(ms + LOCAL).getUTCHours();
/** Local midnight (Beijing) of the day containing ms. */
const localMidnight = (ms: number) => Math.floor((ms + LOCAL) / DAY) * DAY - LOCAL;
const beijing = (ms: number) => `${new Date(ms + LOCAL).toISOString().slice(0, 19)}+08:00`;
const inSpans = (ms: number, spans: Span[]) => spans.some((s) => ms + H > s.from && ms < s.to);
/** Share of the hour starting at ms covered by the spans (0..1). */
const covered = (ms: number, spans: Span[]) =>
  Math.min(1, spans.reduce((a, s) => a + Math.max(0, Math.min(ms + H, s.to) - Math.max(ms, s.from)), 0) / H);

const DESCRIPTIONS: Record<PlantedCause, Partial<Record<Category, string[]>>> = {
  FAULT_ALARM: {
    NO_SIGNAL: ['手机突然没有信号了，附近的人也一样', '这两天经常没信号，时有时无', '家附近信号时有时无'],
    DROPPED_CALLS: ['最近打电话老是断线', '通话中经常突然中断', '电话打着打着就断了'],
    CALL_SETUP_FAILURE: ['电话经常打不出去，提示网络忙', '经常打不通电话'],
    NO_DATA: ['手机上不了网，时好时坏', '突然上不了网了'],
    VOICE_QUALITY: ['通话断断续续'],
  },
  RECENT_CHANGE: {
    DROPPED_CALLS: ['这几天打电话总是掉线，以前没有这个问题', '最近通话经常中断', '前两天开始老掉线'],
    CALL_SETUP_FAILURE: ['最近电话经常打不出去', '这两天经常呼叫失败'],
    NO_DATA: ['这两天上网经常断开', '前两天开始上网不稳定'],
    SLOW_DATA: ['最近网速明显变慢了', '这几天网速很慢'],
    VOICE_QUALITY: ['最近通话质量变差了'],
  },
  UL_INTERFERENCE: {
    VOICE_QUALITY: ['通话断断续续，对方听不清', '打电话对方说我声音断断续续', '通话有杂音、断续'],
    DROPPED_CALLS: ['通话经常掉线，信号显示还可以', '打电话经常断'],
    CALL_SETUP_FAILURE: ['电话经常打不出去'],
    SLOW_DATA: ['上传照片特别慢，网速不稳定', '网速很慢，发微信语音发不出去'],
  },
  CAPACITY: {
    SLOW_DATA: ['晚上上网特别慢，视频一直缓冲', '一到晚上网速就很慢', '网速慢，看视频卡', '高峰时段网速很慢'],
    NO_DATA: ['晚上经常上不了网', '人多的时候连不上网'],
    VOICE_QUALITY: ['晚上打电话声音卡顿'],
    CALL_SETUP_FAILURE: ['晚上打电话经常打不出去'],
  },
  WEAK_COVERAGE: {
    WEAK_SIGNAL: ['家里信号一直只有一格', '信号很弱，进屋就没信号', '小区里信号差', '信号一直不好'],
    NO_SIGNAL: ['地下室和电梯里没有信号', '家里卧室没有信号', '在家经常没信号'],
    DROPPED_CALLS: ['在家打电话经常掉线，要到阳台才行', '信号差，通话经常断'],
    VOICE_QUALITY: ['在家通话断断续续，信号弱'],
    SLOW_DATA: ['信号弱，网速慢'],
  },
  NO_RADIO_CAUSE: {
    CALL_SETUP_FAILURE: ['信号满格但是打不出电话', '换了新手机后打不了电话', '信号很好但是电话打不出去'],
    NO_DATA: ['显示有信号但上不了网', '充值后还是上不了网', '手机显示4G但是没有网络', '上不了网'],
    OTHER: ['开通的业务用不了', '手机收不到短信', '国际漫游打不通电话'],
    DROPPED_CALLS: ['通话时经常断，别人的手机没问题'],
    SLOW_DATA: ['网速很慢，换了别人的手机就正常', '网速慢'],
    VOICE_QUALITY: ['高清通话用不了'],
  },
};

const INDOOR = ['（在室内）', '（住高层）', '（在地下室）', ''];
const TERMINALS = ['Huawei Mate 60', 'Xiaomi 14', 'iPhone 15', 'OPPO Reno 11', 'vivo X100', 'Honor 90'];

function weighted<T>(rng: Rng, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((a, [, w]) => a + w, 0);
  let x = rng.uniform(0, total);
  for (const [v, w] of options) {
    x -= w;
    if (x <= 0) return v;
  }
  return options[options.length - 1]![0];
}

export function generateLabelledMonth(opts: LabelledMonthOptions): LabelledMonth {
  const rng = new Rng(opts.seed);
  const end = Math.floor((opts.end ?? DEFAULT_MONTH_END).getTime() / H) * H;
  const start = end - 30 * DAY;
  const perCause = opts.perCause ?? 50;
  const cells = makeCells(rng);
  const cellById = new Map(cells.map((c) => [c.cellId, c]));
  const siteCells = (siteId: string) => cells.filter((c) => c.siteId === siteId);
  const sites = [...new Set(cells.map((c) => c.siteId))];

  const alarms: Alarm[] = [];
  const changes: ChangeEvent[] = [];
  const effects = new Map<string, Effect[]>();
  const effect = (cellId: string, f: Effect) => effects.set(cellId, [...(effects.get(cellId) ?? []), f]);
  const noiseSource = new Map<string, { text: string; spans: Span[] }>();

  // Every cell: its traffic level and RSRP distribution; some busy cells stay below the capacity
  // threshold and some cells have a weak tail without anyone complaining (near misses).
  const profiles = new Map<string, CellProfile>();
  for (const c of cells) {
    const p: CellProfile = {
      base: rng.uniform(0.45, 0.8),
      rsrp50: rng.uniform(-96, -86),
      spread: rng.uniform(13, 17),
    };
    if (rng.chance(0.2)) p.base = rng.uniform(0.95, 1.2); // busy, busy hour at PRB ~ 70–83 %
    if (rng.chance(0.15)) {
      p.rsrp50 = rng.uniform(-104, -97);
      p.spread = rng.uniform(14, 18);
    }
    profiles.set(c.cellId, p);
  }

  // What is planted where: a cell keeps a list of its problems' spans so that a complaint about one
  // cause is not filed on a cell that another active problem makes ambiguous.
  interface Planted {
    cellId: string;
    cause: PlantedCause;
    spans: Span[];
    staticProblem: boolean;
  }
  const planted: Planted[] = [];
  const activeOn = (cellId: string, w: Span) =>
    planted.filter((p) => p.cellId === cellId && p.spans.some((s) => s.from < w.to && s.to > w.from));
  const staticOn = (cellId: string) => planted.find((p) => p.cellId === cellId && p.staticProblem);
  /** Cells a problem reaches beside its own (a site-wide outage or change): not "no radio cause" there. */
  const touched: { cellId: string; span: Span }[] = [];
  const touchedIn = (cellId: string, w: Span) =>
    touched.some((t) => t.cellId === cellId && t.span.from < w.to && t.span.to > w.from);
  const busySites = () => [...new Set(planted.map((p) => cellById.get(p.cellId)!.siteId))];
  /** A cell for a new problem: often on a site that already has one (several problems per site). */
  const pickCell = (ok: (c: Cell) => boolean): Cell => {
    for (let i = 0; i < 200; i++) {
      const siteId = rng.chance(0.45) && planted.length > 0 ? rng.pick(busySites()) : rng.pick(sites);
      const c = rng.pick(siteCells(siteId));
      if (ok(c)) return c;
    }
    throw new Error('labelled month: no cell found for a problem');
  };

  const complaints: LabelledComplaint[] = [];
  let alarmSeq = 0;
  let changeSeq = 0;
  let problemSeq = 0;
  const alarmId = (p: string) => `ALM-${p}-${String(++alarmSeq).padStart(5, '0')}`;
  const changeId = (p: string) => `CHG-${p}-${String(++changeSeq).padStart(4, '0')}`;

  // ------------------------------------------------------------------------------------------
  // The complaint as the intake system sends it.
  const complaintPoint = (c: Cell, near: [number, number], offBeam: boolean) => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = rng.uniform(near[0], near[1]);
      const turn = offBeam ? rng.pick([-1, 1]) * rng.uniform(45, 75) : rng.uniform(-35, 35);
      const p = offset(c.lat, c.lng, c.azimuth + turn, d);
      if (serveByCoordinates(cells, p.lat, p.lng, 3).serving?.cellId === c.cellId) return p;
    }
    return undefined;
  };
  const fileComplaint = (
    cause: PlantedCause,
    problemId: string,
    c: Cell,
    variant: string,
    o: {
      receivedAt: number;
      since?: number;
      frequency: ComplaintInput['occurrence']['frequency'];
      timeOfDay?: string;
      category: Category;
      /** Coordinates at this distance range from the site instead of the cell id. */
      place?: { near: [number, number]; offBeam?: boolean };
      indoor?: boolean;
    },
  ) => {
    const n = complaints.length + 1;
    const externalId = `LM${opts.seed}-${String(n).padStart(4, '0')}`;
    const subscriber = 10_000_000 + rng.int(0, 89_999_999);
    const msisdn = `+86138${String(subscriber).padStart(8, '0')}`;
    const point = o.place ? complaintPoint(c, o.place.near, o.place.offBeam === true) : undefined;
    const texts = DESCRIPTIONS[cause][o.category] ?? ['网络不好'];
    const description = `${rng.pick(texts)}${o.indoor ? rng.pick(INDOOR) : ''}`;
    const input: ComplaintInput = {
      ticketId: `EMOS-${externalId}`,
      channel: 'EMOS',
      externalId,
      category: o.category,
      urgency: 'NORMAL',
      description,
      location: point ? { region: c.region, coordinates: point } : { region: c.region, cellId: c.cellId },
      occurrence: {
        ...(o.since !== undefined ? { since: beijing(Math.floor(o.since / H) * H) } : {}),
        frequency: o.frequency,
        ...(o.timeOfDay ? { timeOfDay: o.timeOfDay } : {}),
      },
      terminal: { model: rng.pick(TERMINALS) },
      numbers: { callback: msisdn, calling: msisdn },
      customer: { vipLevel: 0, language: 'zh-CN' },
      receivedAt: iso(Math.floor(o.receivedAt / MIN) * MIN),
      submittedBy: 'emos-gateway',
    };
    complaints.push({ input, cause, problemId, servingCellId: c.cellId, variant });
  };
  /** When the customer says it started: a while after it did (rounded to a morning), sometimes unsaid. */
  const sinceOf = (onset: number, receivedAt: number, unsaid: number) => {
    if (rng.chance(unsaid)) return undefined;
    const morning = localMidnight(onset) + rng.int(7, 12) * H;
    let said = rng.chance(0.5) && morning >= onset - 2 * H ? morning : onset + rng.uniform(-2, 10) * H;
    // Complaining soon after it started, the customer knows about when that was.
    if (said > receivedAt - 2 * H) said = onset - rng.uniform(0, 2) * H;
    return Math.min(said, receivedAt - H);
  };
  const complaintsFor = () =>
    weighted(rng, [
      [1, 0.55],
      [2, 0.3],
      [3, 0.15],
    ] as const);
  /** Nothing else planted on the cell at that time (static: its coverage or load may be). */
  const quiet = (cellId: string, w: Span, allowStatic = false) =>
    activeOn(cellId, w).every((p) => allowStatic && p.staticProblem);
  /** A complaint about a cell's coverage or load keeps its window free of time-bound problems. */
  const reserve = (cellId: string, cause: PlantedCause, w: Span) =>
    planted.push({ cellId, cause, spans: [w], staticProblem: false });

  // ------------------------------------------------------------------------------------------
  // FAULT_ALARM
  const plantFault = (budget: number): number => {
    const variant = weighted(rng, [
      ['persistent', 0.35],
      ['flapping', 0.4],
      ['site transport', 0.25],
    ] as const);
    const onset = start + rng.uniform(6, 27) * DAY;
    const fixedAt = onset + rng.uniform(2, 6) * DAY;
    const span = { from: onset, to: fixedAt };
    const c = pickCell((x) => quiet(x.cellId, span, true));
    const id = `F${++problemSeq}`;
    const cleared = fixedAt < end ? iso(fixedAt) : undefined;
    const evening = variant === 'flapping' && rng.chance(0.5);
    let outages: Span[] = [];
    const affected = variant === 'site transport' ? siteCells(c.siteId) : [c];
    if (variant === 'persistent') {
      const [severity, type, text] = rng.pick([
        ['major', 'VSWR_ABNORMAL', '天馈驻波比异常（驻波比 2.6）'],
        ['major', 'RF_UNIT_FAULT', '射频单元功放故障'],
        ['critical', 'RF_UNIT_FAULT', '射频单元故障，发射功率下降'],
        ['major', 'BOARD_FAULT', '基带板故障'],
      ] as const);
      alarms.push({
        id: alarmId(id),
        siteId: c.siteId,
        cellIds: [c.cellId],
        severity,
        type,
        text,
        raisedAt: iso(onset),
        ...(cleared ? { clearedAt: cleared } : {}),
      });
      const rsrp = rng.uniform(3, 7);
      const drop = rng.uniform(0.6, 1.8);
      const rrc = rng.uniform(1, 4);
      effect(c.cellId, (ms, k) => {
        if (ms + H <= onset || ms >= fixedAt) return;
        k.rsrpP50 -= rsrp;
        k.rsrpP10 -= rsrp * 1.3;
        k.dropRate += drop;
        k.rrcSetupSuccessRate -= rrc;
      });
    } else {
      // Outages that come and go: a cell's (CELL_UNAVAILABLE) or the site's transport.
      const n = rng.int(4, 12);
      for (let i = 0; i < n; i++) {
        const day = onset + rng.uniform(0, fixedAt - onset - H);
        const at = evening ? localMidnight(day) + rng.uniform(18.5, 22.5) * H : day;
        const len = rng.uniform(variant === 'flapping' ? 15 : 8, variant === 'flapping' ? 90 : 50) * MIN;
        if (at < onset || at + len > Math.min(fixedAt, end)) continue;
        outages.push({ from: at, to: at + len });
      }
      if (outages.length < 2) outages = [{ from: onset, to: onset + 40 * MIN }, ...outages];
      for (const o of outages)
        alarms.push(
          variant === 'flapping'
            ? {
                id: alarmId(id),
                siteId: c.siteId,
                cellIds: [c.cellId],
                severity: 'critical',
                type: 'CELL_UNAVAILABLE',
                text: '小区不可用（射频单元驻波告警导致退服）',
                raisedAt: iso(o.from),
                clearedAt: iso(o.to),
              }
            : {
                id: alarmId(id),
                siteId: c.siteId,
                cellIds: [],
                severity: 'major',
                type: rng.pick(['S1_LINK_FAULT', 'TRANSMISSION_LINK_FLAP']),
                text: '传输链路中断（光模块收光功率低）',
                raisedAt: iso(o.from),
                clearedAt: iso(o.to),
              },
        );
      // The underlying fault is often alarmed too, for its whole life.
      if (variant === 'flapping' && rng.chance(0.5))
        alarms.push({
          id: alarmId(id),
          siteId: c.siteId,
          cellIds: [c.cellId],
          severity: 'major',
          type: 'VSWR_ABNORMAL',
          text: '天馈驻波比异常',
          raisedAt: iso(onset - rng.uniform(0, 6) * H),
          ...(cleared ? { clearedAt: cleared } : {}),
        });
      for (const a of affected) {
        const hit = a.cellId === c.cellId ? 1 : rng.uniform(0.7, 1);
        effect(a.cellId, (ms, k, r) => {
          const share = covered(ms, outages) * hit;
          if (share <= 0) {
            if (ms + H > onset && ms < fixedAt && variant === 'flapping') k.dropRate += 0.3;
            return;
          }
          k.rrcSetupSuccessRate -= share * r.uniform(40, 65);
          k.erabSetupSuccessRate -= share * r.uniform(30, 55);
          k.dropRate += share * r.uniform(4, 9);
        });
      }
    }
    planted.push({ cellId: c.cellId, cause: 'FAULT_ALARM', spans: [span], staticProblem: false });
    for (const a of affected) touched.push({ cellId: a.cellId, span });
    const count = Math.min(budget, complaintsFor());
    const category = () =>
      weighted(rng, [
        ['NO_SIGNAL', 0.3],
        ['DROPPED_CALLS', 0.3],
        ['CALL_SETUP_FAILURE', 0.15],
        ['NO_DATA', 0.15],
        ['VOICE_QUALITY', 0.1],
      ] as const);
    for (let i = 0; i < count; i++) {
      const firstSeen = outages.length ? Math.min(...outages.map((o) => o.from)) : onset;
      // Outages that come and go: the customer calls after one of them (not always the first).
      const after = outages.length
        ? rng.pick([...outages].sort((x, y) => x.from - y.from).slice(0, 4))
        : undefined;
      const receivedAt = after
        ? Math.min(after.to + rng.uniform(0.3, 12) * H, end - H)
        : Math.min(firstSeen + rng.uniform(4, 60) * H, fixedAt - H, end - H);
      const serving = rng.pick(affected.filter((x) => x.cellId === c.cellId || quiet(x.cellId, span, true)));
      fileComplaint('FAULT_ALARM', id, serving, variant + (evening ? ', evening' : ''), {
        receivedAt,
        since: sinceOf(firstSeen, receivedAt, 0.3),
        frequency:
          variant === 'persistent'
            ? rng.pick(['ALWAYS', 'INTERMITTENT'] as const)
            : evening
              ? 'DAILY'
              : 'INTERMITTENT',
        ...(evening && rng.chance(0.7)
          ? { timeOfDay: rng.pick(['19:00-23:00', '晚上', '20:00-22:00']) }
          : {}),
        category: category(),
        place: rng.chance(0.4) ? { near: [150, 600] } : undefined,
      });
    }
    return count;
  };

  // ------------------------------------------------------------------------------------------
  // RECENT_CHANGE
  const plantChange = (budget: number): number => {
    const kind = weighted(rng, [
      ['cutover', 0.5],
      ['upgrade', 0.25],
      ['parameter', 0.25],
    ] as const);
    const night = localMidnight(start + rng.uniform(6, 27) * DAY) + rng.uniform(0.5, 4) * H;
    const startedAt = Math.floor(night / MIN) * MIN;
    const endedAt = startedAt + rng.int(1, 3) * H;
    const rollback = endedAt + rng.uniform(2.5, 6) * DAY;
    const span = { from: startedAt, to: rollback };
    const c = pickCell((x) => quiet(x.cellId, span, true));
    const id = `C${++problemSeq}`;
    const siteWide = kind !== 'parameter';
    changes.push({
      id: changeId(id),
      kind,
      siteIds: [c.siteId],
      cellIds: siteWide ? [] : [c.cellId],
      startedAt: iso(startedAt),
      endedAt: iso(endedAt),
      description: rng.pick(
        {
          cutover: ['BBU 替换割接', '传输割接至新 IPRAN 环', '电源割接', '基站搬迁割接'],
          upgrade: ['eNodeB 软件版本升级', 'BBU 主控板升级'],
          parameter: ['调整 A3 切换偏置', '调整下倾角', '调整 PCI 规划', '邻区关系优化', '调整功率参数'],
        }[kind],
      ),
    });
    // The change itself takes the cells down for a while: alarms raised and cleared in its window.
    if (kind !== 'parameter' && rng.chance(0.7)) {
      const down = startedAt + rng.uniform(5, 20) * MIN;
      alarms.push({
        id: alarmId(id),
        siteId: c.siteId,
        cellIds: rng.chance(0.5) ? [] : [c.cellId],
        severity: 'critical',
        type: 'CELL_UNAVAILABLE',
        text: '小区不可用',
        raisedAt: iso(down),
        clearedAt: iso(Math.min(endedAt, down + rng.uniform(20, 90) * MIN)),
      });
    }
    if (kind !== 'parameter' && rng.chance(0.5))
      alarms.push({
        id: alarmId(id),
        siteId: c.siteId,
        cellIds: [],
        severity: 'minor',
        type: 'TRANSMISSION_LINK_FLAP',
        text: '割接期间传输链路闪断',
        raisedAt: iso(startedAt + 30 * MIN),
        clearedAt: iso(startedAt + rng.uniform(40, 100) * MIN),
      });
    const drop = rng.uniform(0.8, 2.6);
    const rrc = rng.uniform(1, 3.5);
    const targets = siteWide ? siteCells(c.siteId) : [c];
    for (const t of targets) {
      const hit = t.cellId === c.cellId ? 1 : rng.uniform(0, 0.5);
      effect(t.cellId, (ms, k, r) => {
        if (ms < endedAt || ms >= rollback) return;
        k.dropRate += hit * drop * r.uniform(0.8, 1.2);
        k.rrcSetupSuccessRate -= hit * rrc * r.uniform(0.8, 1.2);
        k.erabSetupSuccessRate -= hit * rrc * 0.7 * r.uniform(0.8, 1.2);
      });
    }
    planted.push({ cellId: c.cellId, cause: 'RECENT_CHANGE', spans: [span], staticProblem: false });
    for (const t of targets) touched.push({ cellId: t.cellId, span });
    const count = Math.min(budget, complaintsFor());
    for (let i = 0; i < count; i++) {
      const receivedAt = Math.min(endedAt + rng.uniform(10, 80) * H, rollback - H, end - H);
      fileComplaint('RECENT_CHANGE', id, c, kind, {
        receivedAt,
        since: sinceOf(endedAt + rng.uniform(1, 10) * H, receivedAt, 0.25),
        frequency: rng.pick(['ALWAYS', 'ALWAYS', 'INTERMITTENT'] as const),
        category: weighted(rng, [
          ['DROPPED_CALLS', 0.4],
          ['CALL_SETUP_FAILURE', 0.2],
          ['NO_DATA', 0.15],
          ['SLOW_DATA', 0.15],
          ['VOICE_QUALITY', 0.1],
        ] as const),
        place: rng.chance(0.4) ? { near: [150, 600] } : undefined,
      });
    }
    return count;
  };

  // ------------------------------------------------------------------------------------------
  // UL_INTERFERENCE
  const plantInterference = (budget: number): number => {
    const onset = start + rng.uniform(5, 26) * DAY;
    const until = Math.min(end, onset + rng.uniform(4, 12) * DAY);
    const span = { from: onset, to: until };
    const c = pickCell((x) => quiet(x.cellId, span, true));
    const id = `I${++problemSeq}`;
    const daytime = rng.chance(0.4);
    const active = (ms: number) =>
      ms + H > onset && ms < until && (!daytime || (localHour(ms) >= 8 && localHour(ms) < 19));
    const level = rng.uniform(-101, -93);
    const text = rng.pick([
      '外部干扰（疑似大功率直放站，扫频可见宽带底噪）',
      '外部干扰（疑似无线摄像头/对讲机）',
      '外部干扰（疑似工业设备，工作时间出现）',
    ]);
    // The interferer, in the cell's beam, also reaches the other cells facing it, weaker.
    const at = offset(c.lat, c.lng, c.azimuth + rng.uniform(-30, 30), rng.uniform(250, 600));
    const around = serveByCoordinates(cells, at.lat, at.lng, 6)
      .neighbours.filter(
        (n) => n.cellId !== c.cellId && n.distanceM! < 1500 && pointsAt(n, n.distanceM!, n.bearing!),
      )
      .slice(0, rng.int(1, 2));
    for (const [cell, dbm] of [
      [c, level] as const,
      ...around.map((n) => [n, rng.uniform(-108, -103)] as const),
    ]) {
      const main = cell.cellId === c.cellId;
      effect(cell.cellId, (ms, k, r) => {
        if (!active(ms)) return;
        k.ulInterferenceDbm = Math.max(k.ulInterferenceDbm, r.normal(dbm, main ? 1.5 : 1));
        if (!main) return;
        k.sinrP50 -= r.uniform(4, 8);
        k.dropRate += r.uniform(0.4, 1);
        k.rrcSetupSuccessRate -= r.uniform(0.5, 1.5);
      });
      noiseSource.set(cell.cellId, { text, spans: [span] });
    }
    planted.push({ cellId: c.cellId, cause: 'UL_INTERFERENCE', spans: [span], staticProblem: false });
    const count = Math.min(budget, complaintsFor());
    for (let i = 0; i < count; i++) {
      const receivedAt = Math.min(onset + rng.uniform(14, 96) * H, until - H, end - H);
      fileComplaint('UL_INTERFERENCE', id, c, daytime ? 'working hours' : 'all day', {
        receivedAt,
        since: sinceOf(onset, receivedAt, 0.3),
        frequency: daytime ? 'DAILY' : rng.pick(['ALWAYS', 'INTERMITTENT'] as const),
        ...(daytime && rng.chance(0.6) ? { timeOfDay: rng.pick(['09:00-18:00', '白天', '上班时间']) } : {}),
        category: weighted(rng, [
          ['VOICE_QUALITY', 0.4],
          ['DROPPED_CALLS', 0.3],
          ['CALL_SETUP_FAILURE', 0.15],
          ['SLOW_DATA', 0.15],
        ] as const),
        place: rng.chance(0.4) ? { near: [150, 600] } : undefined,
      });
    }
    return count;
  };

  // ------------------------------------------------------------------------------------------
  // CAPACITY
  const plantCapacity = (budget: number): number => {
    const c = pickCell((x) => quiet(x.cellId, { from: start, to: end }));
    const id = `P${++problemSeq}`;
    const peak = rng.uniform(88, 99);
    const since = rng.chance(0.6) ? start - DAY : start + rng.uniform(0, 18) * DAY;
    const p = profiles.get(c.cellId)!;
    p.base = 1;
    effect(c.cellId, (ms, k, r) => {
      if (ms < since) return;
      const L = load(ms);
      k.prbUtilisationDl = clamp(10 + (peak - 10) * L + r.normal(0, 2), 1, 99.8);
      const congestion = Math.max(0, (k.prbUtilisationDl - 80) / 20);
      k.throughputDlMbps = Math.max(0.4, 40 * (1 - k.prbUtilisationDl / 100) ** 1.2 + r.normal(0, 0.3));
      k.rrcSetupSuccessRate -= 2.5 * congestion;
      k.erabSetupSuccessRate -= 2 * congestion;
      k.dropRate += 0.3 * congestion;
    });
    planted.push({
      cellId: c.cellId,
      cause: 'CAPACITY',
      spans: [{ from: since, to: end }],
      staticProblem: true,
    });
    const count = Math.min(budget, complaintsFor());
    for (let i = 0; i < count; i++) {
      const receivedAt =
        Math.max(since, start + 6 * DAY) + rng.uniform(0, end - Math.max(since, start + 6 * DAY) - H);
      // A busy evening brings the complaint in, or the next morning.
      const when =
        localMidnight(receivedAt) + (rng.chance(0.6) ? rng.uniform(19, 23) : rng.uniform(9, 12)) * H;
      const at = Math.min(when, end - H);
      const said = rng.chance(0.5) ? undefined : at - rng.uniform(4, 20) * DAY;
      reserve(c.cellId, 'CAPACITY', { from: said ?? at - 7 * DAY, to: at });
      fileComplaint('CAPACITY', id, c, `busy hour PRB ${Math.round(peak)} %`, {
        receivedAt: at,
        since: said,
        frequency: rng.pick(['DAILY', 'DAILY', 'ALWAYS'] as const),
        ...(rng.chance(0.7)
          ? { timeOfDay: rng.pick(['19:00-22:00', '20:00-23:00', '晚上', '18:00-22:00', '晚高峰']) }
          : {}),
        category: weighted(rng, [
          ['SLOW_DATA', 0.6],
          ['NO_DATA', 0.15],
          ['CALL_SETUP_FAILURE', 0.1],
          ['VOICE_QUALITY', 0.15],
        ] as const),
        place: rng.chance(0.4) ? { near: [150, 600] } : undefined,
      });
    }
    return count;
  };

  // ------------------------------------------------------------------------------------------
  // WEAK_COVERAGE
  const plantCoverage = (budget: number): number => {
    const c = pickCell((x) => quiet(x.cellId, { from: start, to: end }));
    const id = `W${++problemSeq}`;
    const p = profiles.get(c.cellId)!;
    p.rsrp50 = rng.uniform(-110, -99);
    p.spread = rng.uniform(15, 20);
    effect(c.cellId, (_ms, k, r) => {
      k.sinrP50 -= r.uniform(2, 5);
      k.dropRate += r.uniform(0.1, 0.4);
    });
    planted.push({
      cellId: c.cellId,
      cause: 'WEAK_COVERAGE',
      spans: [{ from: start, to: end }],
      staticProblem: true,
    });
    const count = Math.min(budget, complaintsFor());
    for (let i = 0; i < count; i++) {
      const receivedAt = start + rng.uniform(6, 30) * DAY - H;
      const offBeam = rng.chance(0.3);
      const said = rng.chance(0.6) ? undefined : receivedAt - rng.uniform(10, 60) * DAY;
      reserve(c.cellId, 'WEAK_COVERAGE', { from: Math.max(said ?? 0, receivedAt - 7 * DAY), to: receivedAt });
      fileComplaint('WEAK_COVERAGE', id, c, offBeam ? 'off the beam' : 'far / indoors', {
        receivedAt,
        since: said,
        frequency: rng.chance(0.8) ? 'ALWAYS' : 'INTERMITTENT',
        category: weighted(rng, [
          ['WEAK_SIGNAL', 0.45],
          ['NO_SIGNAL', 0.25],
          ['DROPPED_CALLS', 0.15],
          ['VOICE_QUALITY', 0.1],
          ['SLOW_DATA', 0.05],
        ] as const),
        place: rng.chance(0.7) ? { near: offBeam ? [300, 700] : [650, 1100], offBeam } : undefined,
        indoor: rng.chance(0.6),
      });
    }
    return count;
  };

  // ------------------------------------------------------------------------------------------
  // NO_RADIO_CAUSE: the customer's cell is fine; its site or neighbours may not be.
  const plantCore = (budget: number): number => {
    const id = `N${++problemSeq}`;
    const receivedAt = start + rng.uniform(6, 30) * DAY - H;
    const since = rng.chance(0.4) ? undefined : receivedAt - rng.uniform(0.5, 6) * DAY;
    const w = { from: since ?? receivedAt - 7 * DAY, to: receivedAt };
    const c = pickCell((x) => quiet(x.cellId, w) && !staticOn(x.cellId) && !touchedIn(x.cellId, w));
    const category = weighted(rng, [
      ['CALL_SETUP_FAILURE', 0.3],
      ['NO_DATA', 0.3],
      ['OTHER', 0.1],
      ['DROPPED_CALLS', 0.1],
      ['SLOW_DATA', 0.1],
      ['VOICE_QUALITY', 0.1],
    ] as const);
    planted.push({ cellId: c.cellId, cause: 'NO_RADIO_CAUSE', spans: [w], staticProblem: false });
    fileComplaint('NO_RADIO_CAUSE', id, c, category, {
      receivedAt,
      since,
      frequency: rng.pick(['ALWAYS', 'INTERMITTENT', 'ONCE'] as const),
      category,
      place: rng.chance(0.4) ? { near: [150, 600] } : undefined,
    });
    return Math.min(budget, 1);
  };

  // Static problems first (a cell's coverage and load), then the time-bound ones, interleaved.
  const plant: Record<PlantedCause, (budget: number) => number> = {
    WEAK_COVERAGE: plantCoverage,
    CAPACITY: plantCapacity,
    FAULT_ALARM: plantFault,
    RECENT_CHANGE: plantChange,
    UL_INTERFERENCE: plantInterference,
    NO_RADIO_CAUSE: plantCore,
  };
  const left = Object.fromEntries(PLANTED_CAUSES.map((c) => [c, perCause])) as Record<PlantedCause, number>;
  for (const cause of ['WEAK_COVERAGE', 'CAPACITY'] as const)
    while (left[cause] > 0) left[cause] -= plant[cause](left[cause]);
  for (;;) {
    const open = (['FAULT_ALARM', 'RECENT_CHANGE', 'UL_INTERFERENCE', 'NO_RADIO_CAUSE'] as const).filter(
      (c) => left[c] > 0,
    );
    if (open.length === 0) break;
    const cause = rng.pick(open);
    left[cause] -= plant[cause](left[cause]);
  }

  // ------------------------------------------------------------------------------------------
  // Background: what a month of a real network has beside the problems.
  const ALARM_NOISE = [
    ['warning', 'CLOCK_SYNC_DEGRADED', 'GPS 时钟同步质量下降', 5, 120],
    ['minor', 'HIGH_TEMPERATURE', '机房温度偏高', 30, 240],
    ['warning', 'FAN_FAULT', '风扇转速异常', 60, 600],
    ['minor', 'TRANSMISSION_LINK_FLAP', '传输链路闪断', 2, 12],
    ['minor', 'POWER_SUPPLY_WARNING', '交流输入电压波动', 5, 60],
  ] as const;
  for (let i = 0; i < 70; i++) {
    // A flapping alarm: the same one raised and cleared again and again for a while.
    const [severity, type, text, minLen, maxLen] = rng.pick(ALARM_NOISE);
    const siteId = rng.pick(sites);
    const cell = rng.chance(0.5) ? [`${siteId}-${rng.int(1, 3)}`] : [];
    let t = start + rng.uniform(0, 29) * DAY;
    const until = t + rng.uniform(0.5, 8) * DAY;
    for (let n = 0; n < 20 && t < Math.min(until, end - H); n++) {
      const len = rng.uniform(minLen, maxLen) * MIN;
      alarms.push({
        id: alarmId('BG'),
        siteId,
        cellIds: cell,
        severity,
        type,
        text,
        raisedAt: iso(Math.floor(t / 1000) * 1000),
        clearedAt: iso(Math.floor(Math.min(t + len, end - 1000) / 1000) * 1000),
      });
      t += len + rng.uniform(1, 30) * H;
    }
  }
  // Short outages that cleared by themselves (a power dip, a board reset): an hour of bad KPIs.
  for (let i = 0; i < 40; i++) {
    const c = rng.pick(cells);
    const at = start + rng.uniform(0, 30 * DAY - 2 * H);
    const len = rng.uniform(5, 35) * MIN;
    const [severity, type] = rng.pick([
      ['critical', 'CELL_UNAVAILABLE'],
      ['major', 'VSWR_ABNORMAL'],
      ['major', 'BOARD_FAULT'],
    ] as const);
    alarms.push({
      id: alarmId('BG'),
      siteId: c.siteId,
      cellIds: rng.chance(0.8) ? [c.cellId] : [],
      severity,
      type,
      text: '告警自动恢复',
      raisedAt: iso(Math.floor(at / 1000) * 1000),
      clearedAt: iso(Math.floor((at + len) / 1000) * 1000),
    });
    const spans = [{ from: at, to: at + len }];
    effect(c.cellId, (ms, k, r) => {
      const share = covered(ms, spans);
      if (share <= 0) return;
      k.rrcSetupSuccessRate -= share * r.uniform(30, 60);
      k.dropRate += share * r.uniform(2, 6);
    });
  }
  // A few faults alarmed only as warnings that never touched service (left active).
  for (let i = 0; i < 10; i++) {
    const c = rng.pick(cells);
    alarms.push({
      id: alarmId('BG'),
      siteId: c.siteId,
      cellIds: [c.cellId],
      severity: rng.pick(['minor', 'warning'] as const),
      type: rng.pick(['BATTERY_LOW', 'DOOR_OPEN', 'FAN_FAULT']),
      text: '环境告警',
      raisedAt: iso(Math.floor((start + rng.uniform(0, 29) * DAY) / 1000) * 1000),
    });
  }
  // Changes that went well: at night, parameter tweaks most, some upgrades and cutovers.
  for (let i = 0; i < 90; i++) {
    const kind = weighted(rng, [
      ['parameter', 0.7],
      ['upgrade', 0.18],
      ['cutover', 0.12],
    ] as const);
    const c = rng.pick(cells);
    const t = localMidnight(start + rng.uniform(0, 29.5) * DAY) + rng.uniform(0.5, 5) * H;
    changes.push({
      id: changeId('BG'),
      kind,
      siteIds: [c.siteId],
      cellIds: kind === 'parameter' ? [c.cellId] : [],
      startedAt: iso(Math.floor(t / MIN) * MIN),
      endedAt: iso(Math.floor(t / MIN) * MIN + rng.int(1, 2) * H),
      description: rng.pick(
        {
          parameter: ['调整 A3 切换偏置', '调整下倾角', '开启载波聚合', '调整重选参数'],
          upgrade: ['eNodeB 软件版本升级（例行）', '补丁升级'],
          cutover: ['电源割接', '传输割接'],
        }[kind],
      ),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Hourly KPIs and interference for every cell, with the problems' effects and one-hour spikes.
  const kpis: KpiSample[] = [];
  const interference: InterferenceSample[] = [];
  for (const c of cells) {
    const p = profiles.get(c.cellId)!;
    const list = effects.get(c.cellId) ?? [];
    p.tweak = (ms, k, r) => {
      for (const f of list) f(ms, k, r);
      if (r.chance(0.005)) k.dropRate += r.uniform(1, 3);
      if (r.chance(0.003)) k.rrcSetupSuccessRate -= r.uniform(2, 8);
    };
    const source = noiseSource.get(c.cellId);
    for (let t = start; t < end; t += H) {
      const k = kpiRow(c.cellId, t, p, rng);
      kpis.push(k);
      const noise = Math.round((k.ulInterferenceDbm + rng.normal(0, 0.4)) * 100) / 100;
      interference.push({
        cellId: c.cellId,
        hour: k.hour,
        ulNoiseDbm: noise,
        ...(noise > -105
          ? { source: source && inSpans(t, source.spans) ? source.text : '上行底噪偏高（来源未明）' }
          : {}),
      });
    }
  }
  alarms.sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
  changes.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  complaints.sort(
    (a, b) =>
      a.input.receivedAt.localeCompare(b.input.receivedAt) ||
      a.input.ticketId.localeCompare(b.input.ticketId),
  );

  return {
    seed: opts.seed,
    from: iso(start),
    to: iso(end),
    data: { cells, kpis, alarms, changes, interference, chr: [] },
    complaints,
  };
}
