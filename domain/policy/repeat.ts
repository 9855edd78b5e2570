// Repeat complaints (二次投诉, R6.2): which earlier complaints a new complaint repeats, and which it is
// only related to. Data and pure functions; the database queries are in activities/repeat.ts.
//
// A repeat is
//   - the same customer (callback number) complaining again within the window after an earlier
//     complaint of theirs was closed, or
//   - a complaint about the same place (serving cell) within the window after a closed complaint
//     whose cause was fixed there (see fixedAtThePlace).
// Complaints that are open at the same time are related, not repeats: a customer chasing their open
// complaint, the complaints of one open incident, several customers complaining about one cell at
// once. While an earlier complaint of the same number (or about the same cell) received within the
// window is still open, the new one is related to it and repeats nothing by that criterion; the
// first complaint after a fix still repeats it, the ones arriving while it is open do not.

export type RepeatCriterion = 'number' | 'cell';

/** An earlier complaint as the read model holds it, found by number, by cell or by both. */
export interface EarlierComplaint {
  ticketId: string;
  stage: string;
  /** ISO instants. */
  receivedAt: string;
  closedAt?: string | null;
  /** The resolution's root cause (free text), when it was resolved. */
  rootCause?: string | null;
  /** The mass incident it was linked to (R8.4), when the read model records it. */
  massIncidentId?: string | null;
  sameNumber: boolean;
  sameCell: boolean;
}

/** A link from the new complaint to an earlier one. */
export interface EarlierLink {
  ticketId: string;
  stage: string;
  receivedAt: string;
  closedAt?: string;
  by: RepeatCriterion;
}

export interface RepeatScope {
  /** The new complaint (never linked to itself). */
  ticketId: string;
  /** ISO instant: the start of the window (the new complaint's time minus the policy's repeatWindow). */
  since: string;
  /**
   * ISO instant the earlier complaints are judged at (the new complaint's time). Without it they are
   * taken as they are; with it, a complaint received later is left out and one closed later is open.
   */
  at?: string;
}

/**
 * Root causes that name no fault fixed at the place: the mass incident's own resolution (what the
 * complaint workflow records when an incident resolves it: "mass incident <id>"; the incident keeps
 * the root cause and the measures against a repeat, R8.5), no fault found, or a cause on the
 * customer's side (terminal, settings, SIM, account). Tested on the read model's rootCause (white
 * space collapsed). Written for both JavaScript and the database's regular expressions.
 */
export const NOT_FIXED_AT_THE_PLACE =
  /^mass incident |未(发现|见)(网络)?(故障|异常|问题)|(无|没有)(网络)?(故障|异常)|网络正常|信号正常|(未|无法)复现|非网络|(终端|手机)(故障|问题|原因|设置|兼容|不支持|损坏|老旧)|用户(原因|设置|操作)|SIM ?卡|欠费|套餐|资费|计费|no (network )?fault|not reproduc|(terminal|handset|device|phone) (fault|problem|issue|setting|compatib)|customer side|billing/i;

/**
 * The earlier complaint's cause was fixed at its place: it was resolved with a root cause that is
 * not a mass incident's and not "no fault found" or the customer's own device or account.
 */
export function fixedAtThePlace(c: Pick<EarlierComplaint, 'rootCause' | 'massIncidentId'>): boolean {
  if (c.massIncidentId) return false;
  const cause = c.rootCause?.trim();
  return !!cause && !NOT_FIXED_AT_THE_PLACE.test(cause);
}

const t = (iso: string) => Date.parse(iso);

function link(c: EarlierComplaint, by: RepeatCriterion): EarlierLink {
  return {
    ticketId: c.ticketId,
    stage: c.stage,
    receivedAt: c.receivedAt,
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    by,
  };
}

const newestFirst = (a: EarlierLink, b: EarlierLink) =>
  t(b.receivedAt) - t(a.receivedAt) || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0);

/**
 * Sorts the earlier complaints of a new one into repeats (R6.2) and related complaints (open at the
 * same time), newest first, each once (a complaint found by number and by cell counts by number).
 */
export function classifyEarlier(
  candidates: readonly EarlierComplaint[],
  scope: RepeatScope,
): { repeats: EarlierLink[]; related: EarlierLink[] } {
  const since = t(scope.since);
  const at = scope.at === undefined ? Infinity : t(scope.at);
  const seen = new Set<string>();
  const earlier = candidates.filter(
    (c) =>
      c.ticketId !== scope.ticketId && t(c.receivedAt) < at && !seen.has(c.ticketId) && seen.add(c.ticketId),
  );
  const closedAt = (c: EarlierComplaint) =>
    c.stage === 'CLOSED' && c.closedAt && t(c.closedAt) <= at ? t(c.closedAt) : undefined;
  const open = earlier.filter((c) => closedAt(c) === undefined && t(c.receivedAt) >= since);
  const closedInWindow = (c: EarlierComplaint) => {
    const closed = closedAt(c);
    return closed !== undefined && closed >= since;
  };

  const repeatsBy = (by: RepeatCriterion): EarlierComplaint[] => {
    const same = (c: EarlierComplaint) => (by === 'number' ? c.sameNumber : c.sameCell);
    // Open at the same time: related to those, a repeat of nothing by this criterion.
    if (open.some(same)) return [];
    return earlier.filter((c) => same(c) && closedInWindow(c) && (by === 'number' || fixedAtThePlace(c)));
  };
  const byNumber = repeatsBy('number');
  const numbered = new Set(byNumber.map((c) => c.ticketId));
  const repeats = [
    ...byNumber.map((c) => link(c, 'number')),
    ...repeatsBy('cell')
      .filter((c) => !numbered.has(c.ticketId))
      .map((c) => link(c, 'cell')),
  ].sort(newestFirst);
  const related = open.map((c) => link(c, c.sameNumber ? 'number' : 'cell')).sort(newestFirst);
  return { repeats, related };
}
