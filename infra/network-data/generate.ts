// Synthetic network data for demos and tests (R3.4): a city's cells (60 three-sector LTE sites in
// Beijing's Haidian, Xicheng and Chaoyang), hourly KPIs with daily traffic curves, alarms, changes,
// interference analyses and CHR, with planted scenarios whose true cause is known. Deterministic
// for a given seed and end time. Sizes stay small for FerretDB: a month of KPIs only for the
// scenarios' serving cells, a week for their neighbours and a few sample cells.
import { serveByCoordinates } from '../../activities/evidence/geo';
import type { NetworkDataSet } from '../../activities/evidence/memory';
import type {
  Alarm,
  Cell,
  ChangeEvent,
  ChrRecord,
  HypothesisCause,
  InterferenceSample,
  KpiSample,
} from '../../domain/evidence';

const H = 3_600_000;
const DAY = 24 * H;
const LOCAL = 8 * H;

export interface ScenarioComplaint {
  channel: 'EMOS';
  externalId: string;
  category: string;
  description: string;
  location: {
    region: string;
    address?: string;
    cellId?: string;
    coordinates?: { lat: number; lng: number };
  };
  occurrence: { since?: string; frequency: 'ALWAYS' | 'DAILY' | 'INTERMITTENT' | 'ONCE'; timeOfDay?: string };
  terminal: { model: string };
  numbers: { callback: string; calling: string };
  customer: { vipLevel: number; language: 'zh-CN' };
}

export interface Scenario {
  id: 'alarm' | 'cutover' | 'capacity' | 'interference' | 'coverage' | 'vip-call-drop';
  title: string;
  /** The cause that must rank first. */
  expectedCause: HypothesisCause;
  servingCellId: string;
  siteId: string;
  /** When the complaint is taken in (the end of the data) and its evidence window. */
  receivedAt: string;
  window: { from: string; to: string };
  /** The intake API body of a complaint about it. */
  complaint: ScenarioComplaint;
}

export interface Manifest {
  seed: number;
  generatedFor: { from: string; to: string };
  counts: Record<keyof NetworkDataSet, number>;
  scenarios: Scenario[];
}

export interface GenerateOptions {
  /** End of the data (exclusive), default: now rounded down to the hour. */
  end?: Date;
  days?: number;
  seed?: number;
}

// ---------------------------------------------------------------------------------------------
// Randomness (deterministic)

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(a = 0, b = 1) {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number) {
    return Math.floor(this.uniform(a, b + 1));
  }
  normal(mean = 0, sd = 1) {
    const u = Math.max(1e-12, this.next());
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number) {
    return this.next() < p;
  }
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const iso = (ms: number) => new Date(ms).toISOString();
/** ISO with the +08:00 offset, as an intake system would send it. */
export function beijing(ms: number): string {
  return `${new Date(ms + LOCAL).toISOString().slice(0, 19)}+08:00`;
}
const localHour = (ms: number) => new Date(ms + LOCAL).getUTCHours();
const localDay = (ms: number) => new Date(ms + LOCAL).getUTCDay();

/** Share of the daily peak traffic by local hour (evening peak at 20–21 h). */
const DIURNAL = [
  0.25, 0.17, 0.12, 0.1, 0.1, 0.12, 0.22, 0.4, 0.62, 0.7, 0.72, 0.75, 0.78, 0.72, 0.7, 0.72, 0.75, 0.8, 0.88,
  0.95, 1, 0.97, 0.8, 0.5,
];
export function load(ms: number): number {
  const weekend = localDay(ms) === 0 || localDay(ms) === 6;
  return DIURNAL[localHour(ms)]! * (weekend ? 0.9 : 1);
}

// ---------------------------------------------------------------------------------------------
// Cells

const REGIONS = [
  { region: 'haidian', lat: 39.96, lng: 116.3 },
  { region: 'xicheng', lat: 39.915, lng: 116.366 },
  { region: 'chaoyang', lat: 39.92, lng: 116.44 },
];
const ROWS = 6;
const COLS = 10;
const FIRST_SITE = 12345;
const BANDS = ['B3', 'B39', 'B40', 'B41'] as const;

export function makeCells(rng: Rng): Cell[] {
  const cells: Cell[] = [];
  for (let row = 0; row < ROWS; row++)
    for (let col = 0; col < COLS; col++) {
      const i = row * COLS + col;
      const siteId = `460-00-${FIRST_SITE + i}`;
      const lat = r6(39.99 - row * 0.018 + rng.uniform(-0.003, 0.003));
      const lng = r6(116.27 + col * 0.02 + rng.uniform(-0.003, 0.003));
      const region = REGIONS.map((r) => ({ ...r, d: (r.lat - lat) ** 2 + ((r.lng - lng) * 0.77) ** 2 })).sort(
        (a, b) => a.d - b.d,
      )[0]!.region;
      const rotation = rng.int(-20, 20);
      const band = rng.pick(BANDS);
      for (let sector = 1; sector <= 3; sector++)
        cells.push({
          cellId: `${siteId}-${sector}`,
          siteId,
          sector,
          lat,
          lng,
          azimuth: ((((sector - 1) * 120 + rotation) % 360) + 360) % 360,
          band,
          technology: 'LTE',
          region,
          name: `${region.toUpperCase()}_${FIRST_SITE + i}_${sector}`,
        });
    }
  return cells;
}
function r6(x: number) {
  return Math.round(x * 1e6) / 1e6;
}

/** The point `distanceM` metres from (lat,lng) in direction `bearing` (flat-earth, fine for < 2 km). */
export function offset(lat: number, lng: number, bearing: number, distanceM: number) {
  const b = (bearing * Math.PI) / 180;
  return {
    lat: r6(lat + (distanceM * Math.cos(b)) / 111_000),
    lng: r6(lng + (distanceM * Math.sin(b)) / (111_000 * Math.cos((lat * Math.PI) / 180))),
  };
}

// ---------------------------------------------------------------------------------------------
// KPIs

export interface CellProfile {
  base: number; // traffic level 0..1
  rsrp50: number;
  spread: number; // p50 - p10
  /** Per-hour overrides for the planted problems. */
  tweak?: (ms: number, k: KpiSample, rng: Rng) => void;
}

export function kpiRow(cellId: string, ms: number, p: CellProfile, rng: Rng): KpiSample {
  const L = load(ms) * p.base;
  const prb = clamp(8 + 62 * L + rng.normal(0, 3), 1, 99);
  const congestion = Math.max(0, (prb - 80) / 20);
  const k: KpiSample = {
    cellId,
    hour: iso(ms),
    rrcSetupSuccessRate: clamp(99.6 - 2.5 * congestion + rng.normal(0, 0.15), 0, 100),
    erabSetupSuccessRate: clamp(99.7 - 2 * congestion + rng.normal(0, 0.12), 0, 100),
    dropRate: clamp(0.22 + 0.15 * L + rng.normal(0, 0.05), 0, 100),
    prbUtilisationDl: prb,
    throughputDlMbps: Math.max(0.3, 55 * (1 - prb / 100) ** 1.3 + rng.normal(0, 1.5)),
    rsrpP50: p.rsrp50 + rng.normal(0, 0.8),
    rsrpP10: 0,
    sinrP50: 15 - 4 * L + rng.normal(0, 1),
    ulInterferenceDbm: -112 + 3 * L + rng.normal(0, 0.8),
  };
  k.rsrpP10 = k.rsrpP50 - p.spread + rng.normal(0, 0.8);
  p.tweak?.(ms, k, rng);
  k.rrcSetupSuccessRate = clamp(k.rrcSetupSuccessRate, 0, 100);
  k.erabSetupSuccessRate = clamp(k.erabSetupSuccessRate, 0, 100);
  k.prbUtilisationDl = clamp(k.prbUtilisationDl, 0, 100);
  k.dropRate = clamp(k.dropRate, 0, 100);
  k.rsrpP10 = Math.min(k.rsrpP10, k.rsrpP50);
  for (const f of Object.keys(k) as (keyof KpiSample)[])
    if (typeof k[f] === 'number') (k as unknown as Record<string, number>)[f] = r2(k[f] as number);
  return k;
}

// ---------------------------------------------------------------------------------------------
// The data set

export function generateNetworkData(opts: GenerateOptions = {}): {
  data: NetworkDataSet;
  manifest: Manifest;
} {
  const seed = opts.seed ?? 20261120;
  const rng = new Rng(seed);
  const end = Math.floor((opts.end ?? new Date()).getTime() / H) * H;
  const days = opts.days ?? 30;
  const start = end - days * DAY;
  const cells = makeCells(rng);
  const cellById = new Map(cells.map((c) => [c.cellId, c]));
  const siteOf = (i: number) => `460-00-${FIRST_SITE + i}`;
  const cell = (site: number, sector: number) => cellById.get(`${siteOf(site)}-${sector}`)!;

  const kpis: KpiSample[] = [];
  const interference: InterferenceSample[] = [];
  const alarms: Alarm[] = [];
  const changes: ChangeEvent[] = [];
  const chr: ChrRecord[] = [];
  const profiles = new Map<string, CellProfile>();
  const profileOf = (cellId: string): CellProfile => {
    let p = profiles.get(cellId);
    if (!p) {
      p = { base: rng.uniform(0.45, 0.8), rsrp50: rng.uniform(-96, -86), spread: rng.uniform(13, 17) };
      profiles.set(cellId, p);
    }
    return p;
  };

  const stamp = beijing(end).slice(0, 13).replace(/[-T]/g, '');
  const scenarios: Scenario[] = [];
  const complaint = (
    id: string,
    c: Cell,
    over: Partial<ScenarioComplaint> & Pick<ScenarioComplaint, 'category' | 'description' | 'occurrence'>,
  ): ScenarioComplaint => ({
    channel: 'EMOS',
    externalId: `SIM-${id.toUpperCase()}-${stamp}`,
    location: { region: c.region, cellId: c.cellId },
    terminal: { model: 'Huawei Mate 60' },
    numbers: { callback: '+8613800138000', calling: '+8613800138000' },
    customer: { vipLevel: 0, language: 'zh-CN' },
    ...over,
  });
  const addScenario = (s: Omit<Scenario, 'receivedAt' | 'window' | 'siteId'>) => {
    const since = s.complaint.occurrence.since ? Date.parse(s.complaint.occurrence.since) : end - 7 * DAY;
    scenarios.push({
      ...s,
      siteId: cellById.get(s.servingCellId)!.siteId,
      receivedAt: iso(end),
      window: { from: iso(since), to: iso(end) },
    });
  };

  // 1. Fault alarm: a VSWR alarm on the tour's cell 460-00-12345-1, and evening outages.
  const alarmCell = cell(0, 1);
  {
    const since = end - 2 * DAY - 2 * H;
    alarms.push({
      id: 'ALM-SIM-0001',
      siteId: alarmCell.siteId,
      cellIds: [alarmCell.cellId],
      severity: 'major',
      type: 'VSWR_ABNORMAL',
      text: '天馈驻波比异常（驻波比 2.8）',
      raisedAt: iso(since - 3 * H),
    });
    const outages: [number, number][] = [];
    for (let d = 2; d >= 1; d--) {
      const day0 = Math.floor((end - d * DAY + LOCAL) / DAY) * DAY - LOCAL; // local midnight
      const t = day0 + 20 * H + 10 * 60_000;
      if (t >= end) continue;
      outages.push([t, t + 45 * 60_000]);
      alarms.push({
        id: `ALM-SIM-000${4 - d}`,
        siteId: alarmCell.siteId,
        cellIds: [alarmCell.cellId],
        severity: 'critical',
        type: 'CELL_UNAVAILABLE',
        text: '小区不可用（射频单元驻波告警导致退服）',
        raisedAt: iso(t),
        clearedAt: iso(t + 45 * 60_000),
      });
    }
    profileOf(alarmCell.cellId).tweak = (ms, k) => {
      if (ms < since - 3 * H) return;
      k.rsrpP50 -= 4;
      k.rsrpP10 -= 6;
      k.dropRate += 0.6;
      if (outages.some(([a, b]) => ms + H > a && ms < b)) {
        k.rrcSetupSuccessRate = 38;
        k.dropRate = 6.5;
      }
    };
    addScenario({
      id: 'alarm',
      title: '故障告警：天馈驻波比异常，晚间小区退服',
      expectedCause: 'FAULT_ALARM',
      servingCellId: alarmCell.cellId,
      complaint: complaint('alarm', alarmCell, {
        category: 'NO_SIGNAL',
        description: '室内无信号，打电话经常断，晚上八点左右完全没有信号',
        location: {
          region: alarmCell.region,
          address: '北京市海淀区中关村大街1号',
          cellId: alarmCell.cellId,
        },
        occurrence: { since: beijing(since), frequency: 'DAILY', timeOfDay: '20:00-21:00' },
      }),
    });
  }

  // 2. Cutover: a BBU replacement on the site 5 h before the complaint started; drops since.
  const cutoverCell = cell(14, 2);
  {
    const since = end - 2 * DAY;
    const t = since - 5 * H;
    changes.push({
      id: 'CHG-SIM-0001',
      kind: 'cutover',
      siteIds: [cutoverCell.siteId],
      cellIds: [],
      startedAt: iso(t),
      endedAt: iso(t + 2 * H),
      description: 'BBU 替换割接，传输切换至新 IPRAN 环',
    });
    alarms.push({
      id: 'ALM-SIM-0101',
      siteId: cutoverCell.siteId,
      cellIds: [],
      severity: 'minor',
      type: 'TRANSMISSION_LINK_FLAP',
      text: '割接期间传输链路闪断',
      raisedAt: iso(t + 30 * 60_000),
      clearedAt: iso(t + 90 * 60_000),
    });
    for (const sector of [1, 2, 3])
      profileOf(cell(14, sector).cellId).tweak = (ms, k, rng) => {
        if (ms < t + 2 * H) return;
        const hit = sector === cutoverCell.sector ? 1 : 0.4;
        k.dropRate += hit * rng.uniform(2.1, 2.9);
        k.rrcSetupSuccessRate -= hit * rng.uniform(2.5, 3.5);
        k.erabSetupSuccessRate -= hit * rng.uniform(1.5, 2.5);
      };
    addScenario({
      id: 'cutover',
      title: '割接：BBU 替换后掉话',
      expectedCause: 'RECENT_CHANGE',
      servingCellId: cutoverCell.cellId,
      complaint: complaint('cutover', cutoverCell, {
        category: 'DROPPED_CALLS',
        description: '前天开始打电话总是掉线，以前没有这个问题',
        occurrence: { since: beijing(since), frequency: 'ALWAYS' },
      }),
    });
  }

  // 3. Capacity: evening PRB near 100 %, throughput collapses.
  const capacityCell = cell(38, 1);
  {
    const p = profileOf(capacityCell.cellId);
    p.base = 1;
    p.tweak = (ms, k, rng) => {
      const L = load(ms);
      k.prbUtilisationDl = clamp(18 + 80 * L + rng.normal(0, 1.5), 1, 99.8);
      const congestion = Math.max(0, (k.prbUtilisationDl - 80) / 20);
      k.throughputDlMbps = Math.max(0.4, 40 * (1 - k.prbUtilisationDl / 100) ** 1.2 + rng.normal(0, 0.3));
      k.rrcSetupSuccessRate = 99.5 - 3 * congestion + rng.normal(0, 0.2);
      k.erabSetupSuccessRate = 99.6 - 2.5 * congestion + rng.normal(0, 0.2);
    };
    changes.push({
      id: 'CHG-SIM-0002',
      kind: 'upgrade',
      siteIds: [capacityCell.siteId],
      cellIds: [],
      startedAt: iso(end - 20 * DAY),
      endedAt: iso(end - 20 * DAY + H),
      description: 'eNodeB 软件版本升级（例行）',
    });
    addScenario({
      id: 'capacity',
      title: '容量：晚高峰 PRB 接近满载',
      expectedCause: 'CAPACITY',
      servingCellId: capacityCell.cellId,
      complaint: complaint('capacity', capacityCell, {
        category: 'SLOW_DATA',
        description: '每天晚上七点到十点上网特别慢，视频一直缓冲',
        occurrence: { since: beijing(end - 10 * DAY), frequency: 'DAILY', timeOfDay: '19:00-22:00' },
      }),
    });
  }

  // 4. Interference: external uplink interference for the last 6 days (complaint by coordinates).
  const interferenceCell = cell(51, 2);
  const interferencePoint = pointServedBy(cells, interferenceCell);
  {
    const onset = end - 6 * DAY;
    for (const sector of [1, 2, 3])
      profileOf(cell(51, sector).cellId).tweak = (ms, k, rng) => {
        if (ms < onset) return;
        const main = sector === interferenceCell.sector;
        k.ulInterferenceDbm = main ? rng.normal(-95.5, 1.5) : rng.normal(-107.5, 1);
        if (main) {
          k.sinrP50 -= 6;
          k.dropRate += 0.9;
          k.rrcSetupSuccessRate -= 1.2;
        }
      };
    addScenario({
      id: 'interference',
      title: '干扰：外部大功率干扰抬高上行底噪',
      expectedCause: 'UL_INTERFERENCE',
      servingCellId: interferenceCell.cellId,
      complaint: complaint('interference', interferenceCell, {
        category: 'VOICE_QUALITY',
        description: '通话断断续续，对方听不清，有时候直接掉线',
        location: { region: interferenceCell.region, coordinates: interferencePoint },
        occurrence: { since: beijing(end - 5 * DAY), frequency: 'ALWAYS' },
      }),
    });
  }

  // 5. Weak coverage: the serving cell's RSRP distribution is low (complaint by coordinates).
  const coverageCell = cell(45, 3);
  const coveragePoint = pointServedBy(cells, coverageCell);
  {
    const p = profileOf(coverageCell.cellId);
    p.rsrp50 = -113.8;
    p.spread = 8.5;
    p.tweak = (_ms, k) => {
      k.sinrP50 -= 9;
      k.dropRate += 0.5;
    };
    alarms.push({
      id: 'ALM-SIM-0201',
      siteId: coverageCell.siteId,
      cellIds: [],
      severity: 'minor',
      type: 'HIGH_TEMPERATURE',
      text: '机房温度偏高',
      raisedAt: iso(end - 3 * DAY + 13 * H),
      clearedAt: iso(end - 3 * DAY + 15 * H),
    });
    addScenario({
      id: 'coverage',
      title: '弱覆盖：小区 RSRP 分布整体偏低',
      expectedCause: 'WEAK_COVERAGE',
      servingCellId: coverageCell.cellId,
      complaint: complaint('coverage', coverageCell, {
        category: 'WEAK_SIGNAL',
        description: '家里信号一直只有一格，进屋就没信号',
        location: { region: coverageCell.region, coordinates: coveragePoint },
        occurrence: { frequency: 'ALWAYS' },
      }),
    });
  }

  // 6. VIP call drops: the CHR shows drops at RRC re-establishment on one cell.
  const vipCell = cell(7, 1);
  const vipNumber = '+8613911112222';
  const vipImsi = '460001234567890';
  {
    const since = end - 5 * DAY;
    let n = 0;
    for (let t = since + 9 * H; t < end; t += rng.int(5, 9) * H) {
      n += 1;
      const drop = n % 4 === 2 || n % 4 === 3;
      const startedAt = t + rng.int(0, 50) * 60_000;
      chr.push({
        callId: `CHR-SIM-VIP-${String(n).padStart(4, '0')}`,
        imsi: vipImsi,
        msisdn: vipNumber,
        startedAt: iso(startedAt),
        endedAt: iso(startedAt + rng.int(30, 600) * 1000),
        result: drop ? 'drop' : 'normal',
        ...(drop ? { failedStep: 'RRC_REESTABLISHMENT', causeCode: 'RLF_T310_EXPIRY' } : {}),
        cellId: drop ? vipCell.cellId : rng.pick([vipCell.cellId, cell(7, 2).cellId]),
      });
    }
    addScenario({
      id: 'vip-call-drop',
      title: 'VIP 掉话：CHR 显示 RRC 重建失败',
      expectedCause: 'CALL_FAILURE_SIGNALLING',
      servingCellId: vipCell.cellId,
      complaint: complaint('vip-call-drop', vipCell, {
        category: 'DROPPED_CALLS',
        description: '重要客户反映在办公室打电话经常掉线，要求尽快处理',
        numbers: { callback: vipNumber, calling: vipNumber },
        customer: { vipLevel: 3, language: 'zh-CN' },
        occurrence: { since: beijing(since), frequency: 'INTERMITTENT' },
      }),
    });
  }

  // Which cells get KPIs: a month for the serving cells; a week for their site's other sectors,
  // the neighbours of the complaints by coordinates and a few sample cells.
  const scenarioSites = new Set(scenarios.map((s) => s.siteId));
  const weekCells = new Set<string>();
  for (const s of scenarios) for (const c of cells) if (c.siteId === s.siteId) weekCells.add(c.cellId);
  for (const [c, point] of [
    [interferenceCell, interferencePoint],
    [coverageCell, coveragePoint],
  ] as const) {
    const found = serveByCoordinates(cells, point.lat, point.lng, 3);
    if (found.serving?.cellId !== c.cellId)
      throw new Error(`generator: ${c.cellId} does not serve its point`);
    for (const n of found.neighbours) weekCells.add(n.cellId);
  }
  const quietSites = new Set([...scenarioSites, ...[...weekCells].map((id) => cellById.get(id)!.siteId)]);
  for (const site of [3, 22, 27, 56])
    for (const sector of [1, 2, 3]) weekCells.add(cell(site, sector).cellId);
  const monthCells = new Set(scenarios.map((s) => s.servingCellId));

  for (const c of cells) {
    const from = monthCells.has(c.cellId) ? start : weekCells.has(c.cellId) ? end - 7 * DAY : undefined;
    if (from === undefined) continue;
    const p = profileOf(c.cellId);
    for (let t = from; t < end; t += H) {
      const k = kpiRow(c.cellId, t, p, rng);
      kpis.push(k);
      if (t >= end - 7 * DAY) {
        const noise = k.ulInterferenceDbm + rng.normal(0, 0.4);
        interference.push({
          cellId: c.cellId,
          hour: k.hour,
          ulNoiseDbm: r2(noise),
          ...(noise > -105 ? { source: '外部干扰（疑似大功率直放站，扫频可见 1.9 GHz 宽带底噪）' } : {}),
        });
      }
    }
  }

  // Background: alarms and changes on sites away from the scenarios, CHR of ordinary users.
  const otherSites = [...new Set(cells.map((c) => c.siteId))].filter((s) => !quietSites.has(s));
  const ALARM_TYPES = [
    ['minor', 'HIGH_TEMPERATURE', '机房温度偏高'],
    ['warning', 'FAN_FAULT', '风扇转速异常'],
    ['minor', 'TRANSMISSION_LINK_FLAP', '传输链路闪断'],
    ['major', 'VSWR_ABNORMAL', '天馈驻波比异常'],
    ['critical', 'CELL_UNAVAILABLE', '小区不可用'],
    ['warning', 'CLOCK_SYNC_DEGRADED', 'GPS 时钟同步质量下降'],
  ] as const;
  for (let i = 1; i <= 90; i++) {
    const siteId = rng.pick(otherSites);
    const [severity, type, text] = rng.pick(ALARM_TYPES);
    const raised = start + rng.uniform(0, days * DAY - H);
    const cleared = rng.chance(0.9) ? Math.min(raised + rng.uniform(0.2, 30) * H, end - 1000) : undefined;
    alarms.push({
      id: `ALM-BG-${String(i).padStart(4, '0')}`,
      siteId,
      cellIds: rng.chance(0.6) ? [`${siteId}-${rng.int(1, 3)}`] : [],
      severity,
      type,
      text,
      raisedAt: iso(Math.floor(raised / 1000) * 1000),
      ...(cleared ? { clearedAt: iso(Math.floor(cleared / 1000) * 1000) } : {}),
    });
  }
  const CHANGE_TEXT = {
    parameter: ['调整 A3 切换偏置 2 dB → 3 dB', '调整下倾角 6° → 8°', '调整 PCI 规划', '开启载波聚合'],
    upgrade: ['eNodeB 软件版本升级', 'BBU 主控板升级'],
    cutover: ['传输割接至新 IPRAN 环', '电源割接'],
  } as const;
  for (let i = 1; i <= 30; i++) {
    const kind = rng.pick(['parameter', 'parameter', 'parameter', 'upgrade', 'cutover'] as const);
    const siteId = rng.pick(otherSites);
    const t = Math.floor((start + rng.uniform(0, days * DAY - 3 * H)) / 60_000) * 60_000;
    changes.push({
      id: `CHG-BG-${String(i).padStart(4, '0')}`,
      kind,
      siteIds: [siteId],
      cellIds: kind === 'parameter' ? [`${siteId}-${rng.int(1, 3)}`] : [],
      startedAt: iso(t),
      endedAt: iso(t + rng.int(1, 3) * H),
      description: rng.pick(CHANGE_TEXT[kind]),
    });
  }
  for (let i = 1; i <= 300; i++) {
    const c = rng.pick(cells);
    const startedAt = Math.floor((end - 7 * DAY + rng.uniform(0, 7 * DAY - H)) / 1000) * 1000;
    const result = rng.chance(0.97) ? 'normal' : rng.pick(['drop', 'setupFailure'] as const);
    const subscriber = 10_000_000 + rng.int(0, 89_999_999);
    chr.push({
      callId: `CHR-BG-${String(i).padStart(5, '0')}`,
      imsi: `46000${String(subscriber).padStart(10, '0')}`,
      msisdn: `+86139${String(subscriber).padStart(8, '0')}`,
      startedAt: iso(startedAt),
      endedAt: iso(startedAt + rng.int(20, 900) * 1000),
      result,
      ...(result === 'drop' ? { failedStep: 'X2_HANDOVER', causeCode: 'HO_FAILURE_TARGET' } : {}),
      ...(result === 'setupFailure'
        ? { failedStep: 'RRC_CONNECTION_SETUP', causeCode: 'RRC_REJECT_CONGESTION' }
        : {}),
      cellId: c.cellId,
    });
  }

  const data: NetworkDataSet = { cells, kpis, alarms, changes, interference, chr };
  return {
    data,
    manifest: {
      seed,
      generatedFor: { from: iso(start), to: iso(end) },
      counts: {
        cells: cells.length,
        kpis: kpis.length,
        alarms: alarms.length,
        changes: changes.length,
        interference: interference.length,
        chr: chr.length,
      },
      scenarios,
    },
  };
}

/** A point in the cell's beam, close enough that the cell serves it (checked, not assumed). */
export function pointServedBy(cells: Cell[], c: Cell): { lat: number; lng: number } {
  for (const d of [450, 350, 250, 150]) {
    const p = offset(c.lat, c.lng, c.azimuth + 8, d);
    if (serveByCoordinates(cells, p.lat, p.lng, 3).serving?.cellId === c.cellId) return p;
  }
  throw new Error(`generator: no point served by ${c.cellId}`);
}
