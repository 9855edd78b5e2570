// Network evidence (R3.1, R3.2): the records each source returns, the query, the bundle the
// workflow gathers and the hypotheses the pre-diagnosis ranks. Shared by the workflows, the pure
// diagnosis policy and the evidence activities (whose interface is activities/evidence/types.ts).
import type { ComplaintInput } from './complaint-input';

export type Technology = 'LTE' | 'NR';

/** One row of the cell table (工参表). */
export interface Cell {
  /** MCC-MNC-site-sector, e.g. '460-00-12345-1'. */
  cellId: string;
  siteId: string;
  sector: number;
  lat: number;
  lng: number;
  /** Antenna direction, degrees clockwise from north. */
  azimuth: number;
  /** Horizontal width of the sector served, degrees (default 120 for a three-sector site). */
  beamwidth?: number;
  band: string;
  technology: Technology;
  region: string;
  name?: string;
}

/** A cell as found for a complaint: distance and bearing from the cell to the complaint's place. */
export interface LocatedCell extends Cell {
  distanceM?: number;
  /** Bearing from the cell to the complaint location, degrees. */
  bearing?: number;
}

/** `vipPlace`: an address-only VIP complaint located through the profile's places (R7.5). */
export type LocateMethod = 'cellId' | 'coordinates' | 'vipPlace' | 'address' | 'none';

/** The serving and neighbouring cells of a complaint (R3.1 "the cells involved"). */
export interface CellLocation {
  method: LocateMethod;
  /** Known whenever the complaint names a cell, even one missing from the cell table. */
  servingCellId?: string;
  servingSiteId?: string;
  serving?: LocatedCell;
  neighbours: LocatedCell[];
  /** What could not be established, e.g. an address without coordinates (no geocoder offline). */
  gaps: string[];
  /** The VIP profile's places the cells were taken from (method vipPlace), e.g. '办公室 office「…」'. */
  vipPlaces?: string[];
}

export type ComplaintLocation = ComplaintInput['location'];

export interface TimeWindow {
  /** ISO 8601 instants; `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
}

export interface EvidenceQuery {
  ticketId: string;
  /** Cell ids; the first one is the serving cell, the rest are neighbours. */
  cells: string[];
  /** Site ids of those cells; the first one is the serving site. */
  siteIds: string[];
  window: TimeWindow;
  /** Change events are looked up this many hours before `window.from` (cutover shortly before). */
  lookbackHours?: number;
  msisdn?: string;
  imsi?: string;
  /**
   * Which subscriber identifiers the CHR was read by (R7.5). The IMSI itself is passed to the CHR
   * activity only and never kept in the complaint.
   */
  subscriberKeys?: ('msisdn' | 'imsi')[];
  vip: boolean;
}

/** Hourly traffic statistics (话统) of one cell. Rates in %, levels in dBm, SINR in dB. */
export interface KpiSample {
  cellId: string;
  /** Start of the hour, ISO 8601. */
  hour: string;
  rrcSetupSuccessRate: number;
  erabSetupSuccessRate: number;
  dropRate: number;
  prbUtilisationDl: number;
  throughputDlMbps: number;
  rsrpP10: number;
  rsrpP50: number;
  sinrP50: number;
  ulInterferenceDbm: number;
}

export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

/** A fault alarm (故障告警), active (no clearedAt) or cleared. */
export interface Alarm {
  id: string;
  siteId: string;
  /** Cells the alarm affects; empty = the whole site. */
  cellIds: string[];
  severity: AlarmSeverity;
  /** Alarm type, e.g. 'CELL_UNAVAILABLE', 'VSWR_ABNORMAL'. */
  type: string;
  text?: string;
  raisedAt: string;
  clearedAt?: string;
}

export const CHANGE_KINDS = ['upgrade', 'cutover', 'parameter'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** An upgrade, cutover or parameter change (升级、割接、参数修改). */
export interface ChangeEvent {
  id: string;
  kind: ChangeKind;
  siteIds: string[];
  cellIds: string[];
  startedAt: string;
  endedAt?: string;
  description: string;
}

/** Uplink noise of one cell in one hour (干扰分析). */
export interface InterferenceSample {
  cellId: string;
  hour: string;
  ulNoiseDbm: number;
  /** Suspected source when the analysis names one, e.g. '外部干扰（直放站）'. */
  source?: string;
}

export const CALL_RESULTS = ['normal', 'drop', 'setupFailure'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

/** One call from the call history records / signalling trace (CHR / 信令回溯). */
export interface ChrRecord {
  callId: string;
  imsi?: string;
  msisdn?: string;
  startedAt: string;
  endedAt?: string;
  result: CallResult;
  /** The signalling step where the call broke, e.g. 'RRC_REESTABLISHMENT'. */
  failedStep?: string;
  causeCode?: string;
  cellId: string;
}

export type SourceName = 'kpis' | 'alarms' | 'changes' | 'interference' | 'chr';

/** What one source gave: its records, or a gap that says why there are none (never a failed complaint). */
export type SourceResult<T> =
  | { source: SourceName; ok: true; items: T[]; total: number; ms: number }
  | { source: SourceName; ok: false; gap: string; ms?: number; retryable?: boolean };

/** Per-cell KPI figures the rules read (computed from the hourly samples). */
export interface CellKpiSummary {
  cellId: string;
  hours: number;
  /** Local hour of day (Asia/Shanghai) with the highest mean PRB utilisation. */
  busyHour: number;
  busyHourPrbDl: number;
  busyHourThroughputDlMbps: number;
  rrcSetupSuccessRate: number;
  erabSetupSuccessRate: number;
  dropRate: number;
  rsrpP10: number;
  rsrpP50: number;
  sinrP50: number;
  ulInterferenceDbm: number;
  /** Mean downlink PRB utilisation by local hour of day (0–23), rounded; null for an hour without data. */
  prbByHour?: (number | null)[];
  /** Per local day of the window, the highest PRB utilisation at the busy hour ±1 h. */
  busyHourPrbByDay?: number[];
}

/** Uplink noise of one cell: from the interference analysis where it has the cell, else the KPIs. */
export interface CellNoiseSummary {
  cellId: string;
  from: 'analysis' | 'kpi';
  hours: number;
  p50Dbm: number;
  p90Dbm: number;
  maxDbm: number;
  /** Median by local hour of day (0–23); null for an hour without data. */
  byHour: (number | null)[];
  /** The suspected source the analysis names most often. */
  source?: string;
}

/** Hourly figures of one cell from `from` (ISO hour), one entry per hour, null where no data. */
export interface HourlySeries {
  from: string;
  dropRate: (number | null)[];
  rrcSetupSuccessRate: (number | null)[];
  prbUtilisationDl: (number | null)[];
  /** The interference analysis' uplink noise where it has the hour, else the KPI's. */
  ulNoiseDbm: (number | null)[];
}

/** What the pre-diagnosis reads of the complaint itself: its category, words and time pattern. */
export interface ComplaintHints {
  category: ComplaintInput['category'];
  description: string;
  occurrence: ComplaintInput['occurrence'];
  terminal?: ComplaintInput['terminal'];
  receivedAt: string;
}

export interface EvidenceBundle {
  query: EvidenceQuery;
  location: CellLocation;
  kpis: SourceResult<KpiSample>;
  alarms: SourceResult<Alarm>;
  changes: SourceResult<ChangeEvent>;
  interference: SourceResult<InterferenceSample>;
  /** Queried for VIP complaints only (R7.2). */
  chr?: SourceResult<ChrRecord>;
  kpiSummary: CellKpiSummary[];
  /** Everything that could not be gathered, in words (shown to the handler). */
  gaps: string[];
  /** Uplink noise per cell (absent on outcomes stored before issue 25: computed from the items). */
  noiseSummary?: CellNoiseSummary[];
  /** The serving cell hour by hour: what the rules match against the complaint's time. */
  servingSeries?: HourlySeries;
  /** The complaint's category, words and time pattern the rules weigh (absent on older outcomes). */
  complaint?: ComplaintHints;
}

/** Every cause a hypothesis can name; a handler names one of them when resolving (issue 25). */
export const HYPOTHESIS_CAUSES = [
  'FAULT_ALARM',
  'RECENT_CHANGE',
  'CAPACITY',
  'UL_INTERFERENCE',
  'WEAK_COVERAGE',
  'CALL_FAILURE_SIGNALLING',
  'KNOWN_ISSUE',
  'NO_RADIO_CAUSE',
] as const;

export type HypothesisCause =
  | 'FAULT_ALARM'
  | 'RECENT_CHANGE'
  | 'CAPACITY'
  | 'UL_INTERFERENCE'
  | 'WEAK_COVERAGE'
  | 'CALL_FAILURE_SIGNALLING'
  /** An earlier mass incident in the same area, from the knowledge base (R8.5). */
  | 'KNOWN_ISSUE'
  /** The radio side of the complaint's cell was checked and is clean: core, terminal or billing. */
  | 'NO_RADIO_CAUSE';

/** One piece of evidence for (weight > 0) or against (weight < 0) a hypothesis. */
export interface WeighedEvidence {
  text: string;
  /** What it adds to (or takes from) the hypothesis' strength, before the rule's weight. */
  weight: number;
}

export interface Hypothesis {
  id: string;
  cause: HypothesisCause;
  title: { 'zh-CN': string; en: string };
  /** 0..1, higher = more likely; the list is sorted by it. */
  score: number;
  /** Human sentences with the numbers behind the hypothesis (zh-CN). */
  evidence: string[];
  /** The evidence for it with its weight (absent on outcomes stored before issue 25). */
  for?: WeighedEvidence[];
  /** The evidence against it with its (negative) weight. */
  against?: WeighedEvidence[];
  suggestedAction: string;
  /** Rule that produced it (diagnosis-rules.ts). */
  ruleId: string;
}

/** Draft of the work-order reply (工单回复): "what was checked / what was found" (R4.6). */
export interface WorkOrderDraft {
  checked: string;
  found: string;
}

/** What a complaint keeps: small (top items per source), because it is stored in workflow history. */
export interface EvidenceOutcome {
  cells: CellLocation;
  bundle: Omit<EvidenceBundle, 'location'>;
  hypotheses: Hypothesis[];
  draft: WorkOrderDraft;
  gatheredAt: string;
  /** Workflow time from the start of the gathering to the pre-diagnosis. */
  tookMs: number;
}

// The list and the type name the same causes (a cause added to one and not the other fails here).
type CauseListed = HypothesisCause extends (typeof HYPOTHESIS_CAUSES)[number]
  ? (typeof HYPOTHESIS_CAUSES)[number] extends HypothesisCause
    ? true
    : never
  : never;
const everyCauseListed: CauseListed = true;
void everyCauseListed;
