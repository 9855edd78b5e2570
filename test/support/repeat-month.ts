// A seeded month of complaints for repeat detection (R6.2, issue 24): about 300 complaints over 30
// days with the truth known by construction. Every scenario gets cells and numbers of its own, so
// nothing is a repeat by accident; where two scenarios meet (a customer who complains again from a
// busy cell or in a mass incident, a burst on a cell fixed days before) it is on purpose.
//   - true repeats: the same number days after the customer's earlier complaint was closed (on the
//     same cell, on another one, from a busy cell, inside a mass incident, after one, and one whose
//     earlier complaint was received before the window but closed within it)
//   - repeats by place: a complaint about a cell after a complaint whose cause was fixed there
//   - mass-incident bursts: many numbers, one cell, open together, linked to one incident and closed
//     with it (the workflow records the root cause "mass incident <id>")
//   - busy cells: a complaint every day or so, closed without a fix at the cell (no fault found,
//     the customer's terminal)
//   - several customers complaining about one cell at the same time
//   - a customer chasing a complaint that is still open
//   - near misses: a fix closed before the window, a closure that fixed nothing at the cell, the
//     customers of a resolved incident's cell, an earlier complaint closed before the window.
import { classifyEarlier, type EarlierComplaint } from '../../domain/policy/repeat';

export const DAY = 86_400_000;
const H = 3_600_000;

export interface MonthComplaint {
  ticketId: string;
  callback: string;
  cellId: string;
  receivedAt: number;
  /** When it closed; absent while open (a closing after the month never happens within it). */
  closedAt?: number;
  /** The resolution's root cause it closed with. */
  rootCause?: string;
  /** The mass incident the workflow linked it to (R8.4). */
  incidentId?: string;
  /** Received within the month (the rest is the month before, there to be found). */
  measured: boolean;
  scenario: string;
  truth: { repeat: boolean; of: string[] };
}

export interface Month {
  start: number;
  end: number;
  windowMs: number;
  complaints: MonthComplaint[];
}

/** Causes fixed at the complaint's cell. */
export const FIXES = [
  '天馈跳线老化导致驻波比告警',
  '天线下倾角设置不当',
  '邻区漏配导致切换失败',
  '小区功率参数设置过低',
  '外部违规放大器造成上行干扰',
  '基站射频单元故障',
  '传输链路误码导致掉话',
  '室分系统合路器损坏',
];
/** Causes that fixed nothing at the cell. */
export const NOT_FIXES = [
  '经测试未发现网络故障',
  '用户终端不支持VoLTE',
  '手机设置问题，已指导用户开启4G',
  '用户欠费停机',
  '终端兼容性问题',
  '网络正常，用户位于地下车库',
];

/** mulberry32: a small seeded PRNG, the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Draft extends Omit<MonthComplaint, 'ticketId' | 'measured' | 'truth'> {
  truth: { repeat: boolean; of: Draft[] };
}

export function generateMonth(seed = 20260301): Month {
  const random = prng(seed);
  const between = (a: number, b: number) => a + (b - a) * random();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const start = Date.parse('2026-03-01T00:00:00+08:00');
  const end = start + 30 * DAY;
  const windowMs = 30 * DAY;
  const day = (d: number) => start + d * DAY;

  let numbers = 0;
  let cells = 0;
  const number = () => `+86139${String(10_000_000 + ++numbers * 7_919).slice(-8)}`;
  const cell = () => `460-00-${21_000 + ++cells}-${1 + (cells % 3)}`;
  const drafts: Draft[] = [];
  const add = (
    d: Omit<Draft, 'truth' | 'scenario'> & { scenario?: string; truth?: Draft['truth'] },
  ): Draft => {
    const draft: Draft = {
      ...d,
      scenario: d.scenario ?? 'background',
      truth: d.truth ?? { repeat: false, of: [] },
    };
    drafts.push(draft);
    return draft;
  };
  /** Closed `after` it was received, with that cause. */
  const closeAfter = (d: Draft, after: number, cause: string) => {
    d.closedAt = d.receivedAt + after;
    d.rootCause = cause;
    return d;
  };
  const handling = () => between(0.5, 4) * DAY;
  const anyCause = () => (random() < 0.6 ? pick(FIXES) : pick(NOT_FIXES));
  const repeatOf = (...of: Draft[]) => ({ repeat: true, of });

  // Busy cells (a mall, a station): a complaint every day or so, none fixed at the cell.
  const busy = [cell(), cell()];
  for (const cellId of busy) {
    for (let i = 0; i < 40; i++) {
      const d = add({
        callback: number(),
        cellId,
        receivedAt: day(between(-10, 30)),
        scenario: 'busy cell',
      });
      if (random() < 0.9) closeAfter(d, handling(), pick(NOT_FIXES));
    }
    // Customers who complain again from the busy cell days after their complaint was closed.
    for (let i = 0; i < 5; i++) {
      const first = add({
        callback: number(),
        cellId,
        receivedAt: day(between(0, 16)),
        scenario: 'busy cell',
      });
      closeAfter(first, between(1, 3) * DAY, pick(NOT_FIXES));
      add({
        callback: first.callback,
        cellId,
        receivedAt: first.closedAt! + between(4, 11) * DAY,
        scenario: 'same number again, from a busy cell',
        truth: repeatOf(first),
      });
    }
  }

  // Mass-incident bursts: many numbers, one cell, open together, closed with the incident.
  const burst = (incidentId: string, cellId: string, size: number, at: number) => {
    const members: Draft[] = [];
    const resolvedAt = at + between(8, 30) * H;
    for (let i = 0; i < size; i++)
      members.push(
        add({
          callback: number(),
          cellId,
          receivedAt: at + between(0, 4) * H,
          incidentId,
          scenario: `mass incident ${incidentId}`,
        }),
      );
    for (const m of members)
      closeAfter(m, resolvedAt + between(0.2, 6) * H - m.receivedAt, `mass incident ${incidentId}`);
    return members.sort((a, b) => a.receivedAt - b.receivedAt);
  };
  const incidents = [
    { id: 'MI-1', size: 20, at: day(between(3, 9)) },
    { id: 'MI-2', size: 18, at: day(between(11, 17)) },
    { id: 'MI-3', size: 24, at: day(between(19, 24)) },
  ];
  for (const [k, inc] of incidents.entries()) {
    const cellId = cell();
    const members = burst(inc.id, cellId, inc.size, inc.at);
    // Customers in the incident's area who had complained before, about anything, anywhere.
    for (let i = 0; i < (k === 2 ? 1 : 2); i++) {
      const at = inc.at + between(0, 4) * H;
      const earlier = closeAfter(
        add({ callback: number(), cellId: cell(), receivedAt: at - between(5, 16) * DAY }),
        between(1, 3) * DAY,
        anyCause(),
      );
      const again = add({
        callback: earlier.callback,
        cellId,
        receivedAt: at,
        incidentId: inc.id,
        scenario: `same number again, in mass incident ${inc.id}`,
        truth: repeatOf(earlier),
      });
      closeAfter(again, members[0]!.closedAt! - at, members[0]!.rootCause!);
    }
    // A customer of the incident complaining twice while it is open.
    if (k < 2) {
      const m = members[3]!;
      closeAfter(
        add({
          callback: m.callback,
          cellId,
          receivedAt: m.receivedAt + between(0.3, 3) * H,
          incidentId: inc.id,
          scenario: `same number twice in mass incident ${inc.id}`,
        }),
        m.closedAt! - m.receivedAt,
        m.rootCause!,
      );
    }
    // After the incident: one of its customers again (a repeat), other customers of the cell (not).
    if (k < 2) {
      const m = members[7]!;
      add({
        callback: m.callback,
        cellId,
        receivedAt: m.closedAt! + between(2, 7) * DAY,
        scenario: `same number again after mass incident ${inc.id}`,
        truth: repeatOf(m),
      });
    }
    for (let i = 0; i < (k === 2 ? 1 : 2); i++)
      add({
        callback: number(),
        cellId,
        receivedAt: members.at(-1)!.closedAt! + between(1, 4) * DAY,
        scenario: `another customer of the cell after mass incident ${inc.id}`,
      });
  }

  // A burst on a cell fixed days before: its first complaint repeats the fix, the others are open
  // at the same time as that one (related).
  {
    const cellId = cell();
    const fix = closeAfter(
      add({ callback: number(), cellId, receivedAt: day(between(1, 5)) }),
      between(1, 3) * DAY,
      pick(FIXES),
    );
    const members = burst('MI-4', cellId, 14, fix.closedAt! + between(3, 8) * DAY);
    members[0]!.truth = repeatOf(fix);
    members[0]!.scenario = 'first complaint of mass incident MI-4, on a cell fixed days before';
    for (const m of members.slice(1)) m.scenario = 'mass incident MI-4, on a cell fixed days before';
  }

  // Several customers about one cell at the same time; for two of the cells, a customer later.
  for (let g = 0; g < 6; g++) {
    const cellId = cell();
    const at = day(between(0, 24));
    const cause = pick(FIXES);
    const group = Array.from({ length: 3 }, () =>
      add({
        callback: number(),
        cellId,
        receivedAt: at + between(0, 10) * H,
        scenario: 'open at the same time about one cell',
      }),
    );
    for (const d of group) closeAfter(d, at + between(1, 3) * DAY - d.receivedAt, cause);
    if (g < 2)
      add({
        callback: number(),
        cellId,
        receivedAt: Math.max(...group.map((d) => d.closedAt!)) + between(2, 4) * DAY,
        scenario: 'another customer after a fix at the cell',
        truth: repeatOf(...group),
      });
  }

  // A complaint about a cell after a complaint closed there: fixed there (a repeat), fixed nothing
  // there (not), or fixed before the window (not).
  const place = (scenario: string, cause: string, gapDays: [number, number], repeat: boolean) => {
    const cellId = cell();
    const at = day(between(2, 29));
    const fix = add({ callback: number(), cellId, receivedAt: 0 });
    fix.closedAt = at - between(...gapDays) * DAY;
    fix.receivedAt = fix.closedAt - between(1, 4) * DAY;
    fix.rootCause = cause;
    add({ callback: number(), cellId, receivedAt: at, scenario, truth: repeat ? repeatOf(fix) : undefined });
  };
  for (let i = 0; i < 5; i++) place('another customer after a fix at the cell', pick(FIXES), [2, 14], true);
  for (let i = 0; i < 4; i++)
    place('another customer after a closure without a fix at the cell', pick(NOT_FIXES), [2, 14], false);
  for (let i = 0; i < 2; i++)
    place('another customer after a fix closed before the window', pick(FIXES), [31, 38], false);

  // The same customer again after their complaint was closed, on the same cell or another.
  for (let i = 0; i < 6; i++) {
    const first = closeAfter(
      add({ callback: number(), cellId: cell(), receivedAt: day(between(0, 16)) }),
      handling(),
      anyCause(),
    );
    add({
      callback: first.callback,
      cellId: i % 3 === 2 ? cell() : first.cellId,
      receivedAt: first.closedAt! + between(1, 8) * DAY,
      scenario: i % 3 === 2 ? 'same number again, about another cell' : 'same number again',
      truth: repeatOf(first),
    });
  }
  // The earlier complaint was received before the window and closed within it (a repeat), or closed
  // before the window (not).
  for (const [closedDaysBefore, repeat] of [
    [24, true],
    [27, true],
    [33, false],
    [38, false],
  ] as const) {
    const at = day(between(0.5, 3));
    const first = add({
      callback: number(),
      cellId: cell(),
      receivedAt: at - (closedDaysBefore + between(8, 12)) * DAY,
    });
    first.closedAt = at - closedDaysBefore * DAY;
    first.rootCause = pick(FIXES);
    add({
      callback: first.callback,
      cellId: first.cellId,
      receivedAt: at,
      scenario: repeat
        ? 'same number again, earlier complaint received before the window, closed within it'
        : 'same number again, earlier complaint closed before the window',
      truth: repeat ? repeatOf(first) : undefined,
    });
  }

  // A customer chasing a complaint that is still open (related, not a repeat).
  for (let i = 0; i < 6; i++) {
    const first = add({ callback: number(), cellId: cell(), receivedAt: day(between(0, 27)) });
    closeAfter(first, between(2, 5) * DAY, anyCause());
    closeAfter(
      add({
        callback: first.callback,
        cellId: i % 2 ? cell() : first.cellId,
        receivedAt: first.receivedAt + between(2, 30) * H,
        scenario: 'same number while the first is open',
      }),
      handling(),
      pick(NOT_FIXES),
    );
  }
  // A repeat, then the customer chasing the repeat while it is open.
  for (let i = 0; i < 2; i++) {
    const first = closeAfter(
      add({ callback: number(), cellId: cell(), receivedAt: day(between(0, 10)) }),
      handling(),
      pick(NOT_FIXES),
    );
    const again = add({
      callback: first.callback,
      cellId: first.cellId,
      receivedAt: first.closedAt! + between(3, 8) * DAY,
      scenario: 'same number again',
      truth: repeatOf(first),
    });
    closeAfter(again, between(3, 6) * DAY, pick(FIXES));
    add({
      callback: first.callback,
      cellId: first.cellId,
      receivedAt: again.receivedAt + between(5, 30) * H,
      scenario: 'same number while its repeat is open',
    });
  }

  // Everything else: one complaint, one customer, one cell.
  const measured = () => drafts.filter((d) => d.receivedAt >= start && d.receivedAt < end).length;
  while (measured() < 300) {
    const d = add({ callback: number(), cellId: cell(), receivedAt: day(between(0, 30)) });
    if (random() < 0.9) closeAfter(d, handling(), anyCause());
  }

  // Complaints after the month are left out, and so is a closing after it (open within the month).
  const ordered = drafts
    .filter((d) => d.receivedAt < end)
    .sort((a, b) => a.receivedAt - b.receivedAt || a.callback.localeCompare(b.callback));
  const ids = new Map(ordered.map((d, i) => [d, `C-${String(i + 1).padStart(4, '0')}`]));
  const complaints = ordered.map((d): MonthComplaint => ({
    ticketId: ids.get(d)!,
    callback: d.callback,
    cellId: d.cellId,
    receivedAt: Math.round(d.receivedAt),
    ...(d.closedAt !== undefined && d.closedAt < end
      ? { closedAt: Math.round(d.closedAt), rootCause: d.rootCause }
      : {}),
    ...(d.incidentId ? { incidentId: d.incidentId } : {}),
    measured: d.receivedAt >= start,
    scenario: d.scenario,
    truth: { repeat: d.truth.repeat, of: d.truth.of.map((o) => ids.get(o)!) },
  }));
  return { start, end, windowMs, complaints };
}

const iso = (t: number) => new Date(t).toISOString();

/** The read model's view of an earlier complaint (final state; `at` in classifyEarlier judges it then). */
export function asEarlier(o: MonthComplaint, c: MonthComplaint): EarlierComplaint {
  return {
    ticketId: o.ticketId,
    stage: o.closedAt !== undefined ? 'CLOSED' : 'IN_PROGRESS',
    receivedAt: iso(o.receivedAt),
    closedAt: o.closedAt !== undefined ? iso(o.closedAt) : undefined,
    rootCause: o.rootCause ?? null,
    // What the projection writes today: the incident link is not in the summary (only the root cause).
    massIncidentId: null,
    sameNumber: o.callback === c.callback,
    sameCell: o.cellId === c.cellId,
  };
}

/** The repeat links of every complaint of the month by classifyEarlier over all of its earlier complaints. */
export function classifyMonth(month: Month): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const c of month.complaints) {
    if (!c.measured) continue;
    const candidates = month.complaints
      .filter((o) => o !== c && (o.callback === c.callback || o.cellId === c.cellId))
      .map((o) => asEarlier(o, c));
    const { repeats } = classifyEarlier(candidates, {
      ticketId: c.ticketId,
      since: iso(c.receivedAt - month.windowMs),
      at: iso(c.receivedAt),
    });
    links.set(
      c.ticketId,
      repeats.map((r) => r.ticketId),
    );
  }
  return links;
}

/**
 * The rule before issue 24 (activities/repeat.ts until then): every complaint from the same number
 * or about the same cell received within the window, merged, newest first, cut at ten.
 */
export function classifyMonthMergeAndCut(month: Month): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const c of month.complaints) {
    if (!c.measured) continue;
    const found = month.complaints
      .filter(
        (o) =>
          o !== c &&
          o.receivedAt >= c.receivedAt - month.windowMs &&
          o.receivedAt < c.receivedAt &&
          (o.callback === c.callback || o.cellId === c.cellId),
      )
      .sort((a, b) => b.receivedAt - a.receivedAt || (a.ticketId < b.ticketId ? -1 : 1))
      .slice(0, 10);
    links.set(
      c.ticketId,
      found.map((o) => o.ticketId),
    );
  }
  return links;
}

export interface Score {
  complaints: number;
  repeats: number;
  flagged: number;
  /** Flagged and linked to (one of) the earlier complaint(s) it repeats. */
  found: number;
  precision: number;
  recall: number;
  /** True repeats not linked to their earlier complaint, named. */
  misses: string[];
  /** Complaints flagged as repeats that are not, named. */
  falseRepeats: string[];
  /** Links that point at a complaint the truth does not name. */
  strayLinks: number;
}

/** Precision and recall of the repeat flag, a found repeat being one linked to its earlier complaint. */
export function score(month: Month, links: Map<string, string[]>): Score {
  const measured = month.complaints.filter((c) => c.measured);
  const byId = new Map(month.complaints.map((c) => [c.ticketId, c]));
  const shown = (ids: string[]) =>
    ids.length === 0
      ? 'no link'
      : `linked to ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ` … (${ids.length})` : ''}`;
  const misses: string[] = [];
  const falseRepeats: string[] = [];
  let flagged = 0;
  let found = 0;
  let strayLinks = 0;
  for (const c of measured) {
    const got = links.get(c.ticketId) ?? [];
    const right = got.some((id) => c.truth.of.includes(id));
    if (got.length > 0) flagged += 1;
    if (got.length > 0 && right) found += 1;
    strayLinks += got.filter((id) => !c.truth.of.includes(id)).length;
    if (c.truth.repeat && !right)
      misses.push(
        `${c.ticketId} (${c.scenario}) repeats ${c.truth.of
          .map((id) => `${id}, closed ${iso(byId.get(id)!.closedAt ?? NaN).slice(0, 16)}`)
          .join('; ')}: ${shown(got)}`,
      );
    if (!c.truth.repeat && got.length > 0) falseRepeats.push(`${c.ticketId} (${c.scenario}): ${shown(got)}`);
  }
  const repeats = measured.filter((c) => c.truth.repeat).length;
  return {
    complaints: measured.length,
    repeats,
    flagged,
    found,
    precision: flagged === 0 ? 1 : found / flagged,
    recall: repeats === 0 ? 1 : found / repeats,
    misses,
    falseRepeats,
    strayLinks,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The score as a report: figures, then every miss and false repeat by name. */
export function describeScore(label: string, s: Score): string {
  return [
    `${label}: ${s.complaints} complaints, ${s.repeats} true repeats; flagged ${s.flagged}, ` +
      `found ${s.found}; precision ${pct(s.precision)}, recall ${pct(s.recall)}; stray links ${s.strayLinks}`,
    ...s.misses.map((m) => `  missed: ${m}`),
    ...s.falseRepeats.slice(0, 30).map((m) => `  not a repeat: ${m}`),
    ...(s.falseRepeats.length > 30 ? [`  … and ${s.falseRepeats.length - 30} more not repeats`] : []),
  ].join('\n');
}
