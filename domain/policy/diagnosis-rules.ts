// Pre-diagnosis rules as data (R3.2, R3.5): which evidence points to which cause, with weights and
// thresholds. prediagnosis.ts evaluates them; changing a threshold is a data change, not code.
// docs/diagnosis.md explains every rule and publishes what they achieve on the labelled months.
//
// A hypothesis' score = rule weight × strength, strength = the base of its strongest finding
// (severity or level × scope: the serving cell before its site's other sectors and the
// neighbours) plus the weights of the evidence for it and against it (the complaint's time
// pattern, category and words, the serving cell's hourly KPIs, the place), clamped to 0..1.
import type { AlarmSeverity, ChangeKind, HypothesisCause } from '../evidence';
import type { Category } from '../complaint-input';
import { frozen } from './frozen';

interface RuleBase {
  id: string;
  cause: HypothesisCause;
  weight: number;
  title: { 'zh-CN': string; en: string };
  suggestedAction: string;
  /** Weight added by the complaint's category (a cause shows as some symptoms more than others). */
  categories?: Partial<Record<Category, number>>;
}

/** Where the evidence sits relative to the complaint: its serving cell first. */
export interface Scope {
  servingCell: number;
  /** The serving site as a whole (a site-wide alarm or change). */
  servingSite: number;
  /** Another sector of the serving site. */
  sibling: number;
  /** A cell or site of the neighbours. */
  neighbour: number;
}

/** A fault alarm overlapping the complaint window; records of one alarm that flaps are weighed together. */
export interface AlarmRule extends RuleBase {
  kind: 'alarm';
  /** Strength by severity; a severity not listed is ignored. */
  severities: Partial<Record<AlarmSeverity, number>>;
  scope: Scope;
  /** Factor for an alarm already cleared (it overlapped the window but is gone now). */
  cleared: number;
  /** Factor by alarm type for types that rarely touch service (environment); others 1. */
  typeFactor: Record<string, number>;
  /** The alarm was active when the complaint came in (or cleared within this many hours before). */
  ongoing: { withinHours: number; weight: number };
  /** Its active time against the time the customer has the problem (see docs/diagnosis.md). */
  timeMismatch: number;
  /** First raised within this many hours of when the customer says it started. */
  onset: { beforeHours: number; afterHours: number; weight: number };
  /** First raised this many hours or more after that: it did not start the problem. */
  lateOnset: { hours: number; weight: number };
  /** Most episodes in the customer's hours of day. */
  hoursMatch: number;
  /** The serving cell's KPIs in the alarm's active hours: degraded (for) or normal (against). */
  kpiDegraded: number;
  kpiNormal: number;
  /** Every record raised and cleared inside a change's window on the site: caused by the change. */
  duringChange: { marginMinutes: number; weight: number };
}

/** An upgrade/cutover/parameter change on the site shortly before the complaint started. */
export interface ChangeRule extends RuleBase {
  kind: 'change';
  kinds: Partial<Record<ChangeKind, number>>;
  lookbackHours: number;
  /** A change up to this many hours after the complaint's start still counts. */
  graceHours: number;
  /** Strength lost linearly from 0 h to lookbackHours before the start. */
  ageDecay: number;
  scope: Scope;
  /** Serving-cell KPIs in the 24 h after vs before: a rise of drop rate or fall of RRC success adds `bonus`. */
  degradation: { dropRateRisePct: number; rrcFallPct: number; bonus: number };
  /** Before and after both measured and the serving cell unchanged. */
  unchanged: { dropRateRisePct: number; rrcFallPct: number; weight: number };
  /** No hours before the change: the share of degraded hours after it, for above `high`, against below `low`. */
  afterOnly: { high: number; low: number; for: number; against: number };
  /** The customer's start within this many hours after the change ended. */
  onset: { beforeHours: number; afterHours: number; weight: number };
  /** The customer did not say when it started: the change only has to fall in the window. */
  unknownStart: number;
}

/** Busy-hour PRB utilisation above the threshold (capacity). */
export interface CapacityRule extends RuleBase {
  kind: 'capacity';
  busyHourPrbPct: number;
  fullPrbPct: number;
  scope: Scope;
  /** The customer's hours of day are (not) congested hours. */
  hoursMatch: number;
  hoursMismatch: number;
  frequency: Partial<Record<'ALWAYS' | 'DAILY' | 'INTERMITTENT' | 'ONCE', number>>;
}

/** Uplink interference (noise) above the threshold. */
export interface InterferenceRule extends RuleBase {
  kind: 'interference';
  ulNoiseDbm: number;
  fullDbm: number;
  /** Share of the hours above the threshold from which a cell counts as interfered. */
  minShare: number;
  scope: Scope;
  onset: { beforeHours: number; afterHours: number; weight: number };
  hoursMatch: number;
  hoursMismatch: number;
  /** Noise within `withinDb` of the threshold while the serving cell's KPIs stay healthy. */
  mild: { withinDb: number; maxDegradedShare: number; weight: number };
}

/** Weak coverage: the serving cell's RSRP distribution and the complaint's place. */
export interface CoverageRule extends RuleBase {
  kind: 'coverage';
  rsrpP50Dbm: number;
  rsrpP10Dbm: number;
  /** dB below the threshold at which the strength is full. */
  fullDeficitDb: number;
  /** A weak tail within this many dB of the p10 threshold counts when the place or words say so. */
  tailMarginDb: number;
  tailBase: number;
  /** The complaint's place: far from the site, off the antenna's main beam, close and in the beam. */
  far: { metres: number; weight: number };
  offBeam: { degrees: number; weight: number };
  near: { metres: number; weight: number };
  indoor: { words: string[]; weight: number };
  /** Coverage does not change from one day to the next nor with the hour. */
  chronic: { minDays: number; weight: number };
  recentStart: { maxDays: number; weight: number };
  timeOfDay: number;
}

/** VIP complaints: the CHR shows calls that dropped or failed, and where (R3.1, R7.2). */
export interface ChrRule extends RuleBase {
  kind: 'chr';
  minFailures: number;
  base: number;
  perExtraFailure: number;
  /** Action by the signalling step where the calls broke. */
  actionsByStep: Record<string, string>;
}

/**
 * No radio cause found: the serving cell's KPIs were read (at least `minHours`) and nothing on the
 * radio side explains the complaint; it points to the core network, the terminal or billing.
 */
export interface NoRadioRule extends RuleBase {
  kind: 'no-radio';
  minHours: number;
  base: number;
  /** Strength lost per unit of the strongest radio hypothesis' score. */
  radioPenalty: number;
  /** The serving cell healthy in the complaint's hours (share of degraded hours below `maxShare`). */
  healthy: { maxShare: number; weight: number };
  degraded: { minShare: number; weight: number };
  /** Words of a customer whose radio is fine ("full bars", "new phone", "topped up"). */
  words: { words: string[]; weight: number };
  /** A source that failed: the radio side is not fully checked. */
  gap: number;
}

export type DiagnosisRule =
  AlarmRule | ChangeRule | CapacityRule | InterferenceRule | CoverageRule | ChrRule | NoRadioRule;

export interface DiagnosisRules {
  version: number;
  rules: DiagnosisRule[];
  /** How many hypotheses to keep. */
  maxHypotheses: number;
  /** An hour of the serving cell is degraded when its drop rate is above or its RRC success below. */
  health: { dropRatePct: number; rrcSetupPct: number };
}

export const DEFAULT_DIAGNOSIS_RULES: DiagnosisRules = frozen({
  version: 2,
  maxHypotheses: 5,
  health: { dropRatePct: 1, rrcSetupPct: 98 },
  rules: [
    {
      id: 'alarm',
      kind: 'alarm',
      cause: 'FAULT_ALARM',
      weight: 1,
      title: { 'zh-CN': '故障告警', en: 'Fault alarm on the serving cell or site' },
      suggestedAction: '按告警处理流程派单排障（核查天馈、板件、传输与供电），告警清除后复核话统并回访客户',
      severities: { critical: 1, major: 0.85, minor: 0.4 },
      scope: { servingCell: 1, servingSite: 0.9, sibling: 0.35, neighbour: 0.3 },
      cleared: 0.9,
      typeFactor: {
        HIGH_TEMPERATURE: 0.5,
        FAN_FAULT: 0.4,
        POWER_SUPPLY_WARNING: 0.5,
        CLOCK_SYNC_DEGRADED: 0.5,
        BATTERY_LOW: 0.3,
        DOOR_OPEN: 0.2,
      },
      ongoing: { withinHours: 2, weight: 0.05 },
      timeMismatch: -0.8,
      onset: { beforeHours: 24, afterHours: 12, weight: 0.1 },
      lateOnset: { hours: 48, weight: -0.3 },
      hoursMatch: 0.1,
      kpiDegraded: 0.1,
      kpiNormal: -0.3,
      duringChange: { marginMinutes: 30, weight: -0.6 },
      categories: {
        NO_SIGNAL: 0.05,
        DROPPED_CALLS: 0.05,
        CALL_SETUP_FAILURE: 0.05,
        NO_DATA: 0.05,
        OTHER: -0.1,
      },
    },
    {
      id: 'change',
      kind: 'change',
      cause: 'RECENT_CHANGE',
      weight: 0.95,
      title: { 'zh-CN': '近期升级/割接', en: 'Upgrade or cutover shortly before' },
      suggestedAction: '联系变更实施方核查割接/升级后的参数、邻区与传输配置，必要时回退，并对比变更前后话统',
      kinds: { cutover: 1, upgrade: 0.95, parameter: 0.75 },
      lookbackHours: 72,
      graceHours: 2,
      ageDecay: 0.35,
      scope: { servingCell: 1, servingSite: 1, sibling: 0.5, neighbour: 0.5 },
      degradation: { dropRateRisePct: 0.5, rrcFallPct: 1, bonus: 0.1 },
      unchanged: { dropRateRisePct: 0.2, rrcFallPct: 0.3, weight: -0.6 },
      afterOnly: { high: 0.5, low: 0.1, for: 0.05, against: -0.4 },
      onset: { beforeHours: 2, afterHours: 36, weight: 0.1 },
      unknownStart: -0.1,
    },
    {
      id: 'chr',
      kind: 'chr',
      cause: 'CALL_FAILURE_SIGNALLING',
      weight: 0.9,
      title: { 'zh-CN': '信令回溯：通话中断', en: 'Call failures in the CHR / signalling trace' },
      suggestedAction: '按 CHR 失败步骤做信令回溯分析，核查对应小区的切换与重建参数，VIP 安排专项测试',
      minFailures: 1,
      base: 0.75,
      perExtraFailure: 0.05,
      actionsByStep: {
        RRC_REESTABLISHMENT:
          '重建失败多因切换前无线链路失败：核查邻区漏配与切换参数（A3 偏置、迟滞、TTT），并做路测验证',
        X2_HANDOVER: '切换执行失败：核查 X2 链路、邻区关系与目标小区准入',
        S1_HANDOVER: '切换执行失败：核查 S1 切换配置、MME 与目标小区准入',
        RRC_CONNECTION_SETUP: 'RRC 建立失败：核查小区准入拥塞与上行覆盖/干扰',
        ERAB_SETUP: '承载建立失败：核查核心网与传输、小区准入',
        PAGING: '寻呼失败：核查 TA 规划与核心网寻呼策略',
      },
    },
    {
      id: 'capacity',
      kind: 'capacity',
      cause: 'CAPACITY',
      weight: 0.85,
      title: { 'zh-CN': '忙时容量受限', en: 'Busy-hour capacity limit' },
      suggestedAction: '扩容（加载波/新增小区）或负载均衡（调整切换与重选参数），短期可开启忙时流控策略',
      busyHourPrbPct: 85,
      fullPrbPct: 98,
      scope: { servingCell: 1, servingSite: 1, sibling: 0.4, neighbour: 0.4 },
      hoursMatch: 0.15,
      hoursMismatch: -0.4,
      frequency: { DAILY: 0.05, ONCE: -0.1 },
      categories: {
        SLOW_DATA: 0.1,
        NO_DATA: 0.05,
        WEAK_SIGNAL: -0.3,
        NO_SIGNAL: -0.3,
        DROPPED_CALLS: -0.1,
        OTHER: -0.2,
      },
    },
    {
      id: 'interference',
      kind: 'interference',
      cause: 'UL_INTERFERENCE',
      weight: 0.85,
      title: { 'zh-CN': '上行干扰', en: 'Uplink interference' },
      suggestedAction:
        '按干扰分析结果排查干扰源（扫频定位外部干扰、核查直放站/互调），必要时上报无线电管理部门',
      ulNoiseDbm: -105,
      fullDbm: -95,
      minShare: 0.15,
      scope: { servingCell: 1, servingSite: 1, sibling: 0.45, neighbour: 0.45 },
      onset: { beforeHours: 24, afterHours: 24, weight: 0.1 },
      hoursMatch: 0.1,
      hoursMismatch: -0.3,
      mild: { withinDb: 5, maxDegradedShare: 0.1, weight: -0.25 },
      categories: {
        VOICE_QUALITY: 0.1,
        DROPPED_CALLS: 0.05,
        CALL_SETUP_FAILURE: 0.05,
        WEAK_SIGNAL: -0.25,
        NO_SIGNAL: -0.25,
        OTHER: -0.2,
      },
    },
    {
      id: 'coverage',
      kind: 'coverage',
      cause: 'WEAK_COVERAGE',
      weight: 0.8,
      title: { 'zh-CN': '弱覆盖', en: 'Weak coverage' },
      suggestedAction: '优化天馈（下倾角、方位角、功率），评估室分或新增站点，预约实地测试确认覆盖',
      rsrpP50Dbm: -110,
      rsrpP10Dbm: -118,
      fullDeficitDb: 8,
      tailMarginDb: 4,
      tailBase: 0.4,
      far: { metres: 650, weight: 0.15 },
      offBeam: { degrees: 45, weight: 0.15 },
      near: { metres: 300, weight: -0.2 },
      indoor: {
        words: [
          '室内',
          '家里',
          '家中',
          '在家',
          '进屋',
          '屋里',
          '卧室',
          '地下',
          '电梯',
          '楼里',
          '高层',
          '车库',
        ],
        weight: 0.1,
      },
      chronic: { minDays: 14, weight: 0.05 },
      recentStart: { maxDays: 7, weight: -0.25 },
      timeOfDay: -0.15,
      categories: {
        WEAK_SIGNAL: 0.2,
        NO_SIGNAL: 0.1,
        CALL_SETUP_FAILURE: -0.1,
        NO_DATA: -0.1,
        SLOW_DATA: -0.05,
        OTHER: -0.2,
      },
    },
    {
      id: 'no-radio',
      kind: 'no-radio',
      cause: 'NO_RADIO_CAUSE',
      weight: 0.75,
      title: {
        'zh-CN': '未发现无线原因（核心网/终端/计费）',
        en: 'No radio cause found: core network, terminal or billing',
      },
      suggestedAction:
        '核查用户签约与业务开通（HSS/PCRF、VoLTE、APN）、核心网告警与信令、终端型号与设置、账户状态（欠费停机），必要时请客户换机/换卡对比测试',
      minHours: 24,
      base: 0.7,
      radioPenalty: 0.8,
      healthy: { maxShare: 0.05, weight: 0.1 },
      degraded: { minShare: 0.25, weight: -0.3 },
      words: {
        words: [
          '信号满格',
          '信号很好',
          '信号正常',
          '有信号',
          '显示4G',
          '新手机',
          '换了',
          '充值',
          '欠费',
          '停机',
          '短信',
          '漫游',
          '业务',
          '别人的手机',
          '高清通话',
        ],
        weight: 0.15,
      },
      gap: -0.3,
      categories: { CALL_SETUP_FAILURE: 0.1, NO_DATA: 0.1, OTHER: 0.15, WEAK_SIGNAL: -0.2, NO_SIGNAL: -0.15 },
    },
  ],
});

/** The look-back for change events used by the evidence query (the change rule's). */
export function changeLookbackHours(rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES): number {
  return Math.max(0, ...rules.rules.map((r) => (r.kind === 'change' ? r.lookbackHours : 0)));
}
