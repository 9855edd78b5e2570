// Pre-diagnosis rules as data (R3.2): which evidence points to which cause, with weights and
// thresholds. prediagnosis.ts evaluates them; changing a threshold is a data change, not code.
// A hypothesis' score = weight × strength × scope factor, strength 0.6 when a threshold is just met
// rising to 1.0 at the rule's "full" level.
import type { AlarmSeverity, ChangeKind, HypothesisCause } from '../../activities/evidence/types';
import { frozen } from './frozen';

interface RuleBase {
  id: string;
  cause: HypothesisCause;
  weight: number;
  title: { 'zh-CN': string; en: string };
  suggestedAction: string;
}

/** A critical/major alarm on the serving cell or its site (or a neighbour) overlapping the complaint window. */
export interface AlarmRule extends RuleBase {
  kind: 'alarm';
  /** Strength by severity; a severity not listed is ignored. */
  severities: Partial<Record<AlarmSeverity, number>>;
  scope: { servingCell: number; servingSite: number; neighbour: number };
  /** Factor for an alarm already cleared (it overlapped the window but is gone now). */
  cleared: number;
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
  scope: { servingSite: number; neighbour: number };
  /** Serving-cell drop rate after vs the 24 h before the change: a rise of `dropRateRisePct` points adds `bonus`. */
  degradation: { dropRateRisePct: number; bonus: number };
}

/** Busy-hour PRB utilisation above the threshold (capacity). */
export interface CapacityRule extends RuleBase {
  kind: 'capacity';
  busyHourPrbPct: number;
  fullPrbPct: number;
  scope: { servingCell: number; neighbour: number };
}

/** Uplink interference (noise) above the threshold. */
export interface InterferenceRule extends RuleBase {
  kind: 'interference';
  ulNoiseDbm: number;
  fullDbm: number;
  scope: { servingCell: number; neighbour: number };
}

/** Weak coverage from the RSRP distribution of the serving cell. */
export interface CoverageRule extends RuleBase {
  kind: 'coverage';
  rsrpP50Dbm: number;
  rsrpP10Dbm: number;
  /** dB below the threshold at which the strength is full. */
  fullDeficitDb: number;
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

export type DiagnosisRule = AlarmRule | ChangeRule | CapacityRule | InterferenceRule | CoverageRule | ChrRule;

export interface DiagnosisRules {
  version: number;
  rules: DiagnosisRule[];
  /** How many hypotheses to keep. */
  maxHypotheses: number;
}

export const DEFAULT_DIAGNOSIS_RULES: DiagnosisRules = frozen({
  version: 1,
  maxHypotheses: 5,
  rules: [
    {
      id: 'alarm',
      kind: 'alarm',
      cause: 'FAULT_ALARM',
      weight: 1,
      title: { 'zh-CN': '故障告警', en: 'Fault alarm on the serving cell or site' },
      suggestedAction: '按告警处理流程派单排障（核查天馈、板件、传输与供电），告警清除后复核话统并回访客户',
      severities: { critical: 1, major: 0.85, minor: 0.4 },
      scope: { servingCell: 1, servingSite: 0.9, neighbour: 0.55 },
      cleared: 0.9,
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
      scope: { servingSite: 1, neighbour: 0.6 },
      degradation: { dropRateRisePct: 0.5, bonus: 0.1 },
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
      scope: { servingCell: 1, neighbour: 0.5 },
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
      scope: { servingCell: 1, neighbour: 0.5 },
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
    },
  ],
});

/** The look-back for change events used by the evidence query (the change rule's). */
export function changeLookbackHours(rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES): number {
  return Math.max(0, ...rules.rules.map((r) => (r.kind === 'change' ? r.lookbackHours : 0)));
}
