// S10 (issue 26) The local stack's FerretDB is built with infra/ferretdb/sort-count-pushdown.patch:
// a find sorted by a declared sort field (SORT_QUERY_FIELDS) is sorted by PostgreSQL and, without a
// filter, limited there to skip + limit; a `count` without filter reads no document. Before it, the
// supervisor's unfiltered complaint list decoded the whole collection twice per request and FerretDB
// saturated in the hour-long soak. These tests pin that the rows are MongoDB's (order, missing and
// null values lowest, skip, filters) and that the pushdown happens (FerretDB's explain extension);
// `npm run bench:list` shows the speed.
import { SORT_QUERY_FIELDS } from '../../activities/models';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();

interface Row {
  _id: string;
  receivedAt?: Date | null;
  region: string;
}

/** MongoDB's order for a date field: missing and null lowest; ties by _id for a stable comparison. */
function mongoOrder(rows: Row[], dir: 1 | -1): string[] {
  const key = (r: Row) => (r.receivedAt instanceof Date ? r.receivedAt.getTime() : -Infinity);
  return [...rows].sort((a, b) => dir * (key(a) - key(b)) || a._id.localeCompare(b._id)).map((r) => r._id);
}

/** The page's dates (ties may come in any order, as in MongoDB). */
const datesOf = (ids: string[], rows: Row[]) => {
  const byId = new Map(
    rows.map((r) => [r._id, r.receivedAt instanceof Date ? r.receivedAt.getTime() : null]),
  );
  return ids.map((id) => byId.get(id));
};

describe('S10 lists sorted by a declared date field on the stack database', () => {
  const rows: Row[] = [];
  const coll = () => db.mongo.collection<Row>('sortcheck');

  beforeAll(async () => {
    const start = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 400; i++) {
      // Dates out of insertion order, with ties (every 7th shares its neighbour's minute).
      const minute = (i * 37) % 400;
      rows.push({
        _id: `C${String(i).padStart(4, '0')}`,
        receivedAt: new Date(start + (minute - (minute % 7 === 0 ? 1 : 0)) * 60_000),
        region: i % 3 === 0 ? 'north' : 'south',
      });
    }
    rows.push({ _id: 'M-missing', region: 'north' }, { _id: 'M-null', receivedAt: null, region: 'south' });
    await coll().insertMany(rows.map((r) => ({ ...r })));
  });

  it("S10 the declared sort field is the complaint list's", () => {
    expect(SORT_QUERY_FIELDS).toContain('receivedAt');
  });

  it("S10 newest first, a page at a time, gives MongoDB's rows: every page, the last with the undated ones", async () => {
    const expected = mongoOrder(rows, -1);
    for (const skip of [0, 50, 350, 380]) {
      const page = await coll().find({}).sort({ receivedAt: -1 }).skip(skip).limit(50).toArray();
      const ids = page.map((r) => r._id);
      expect(datesOf(ids, rows)).toEqual(datesOf(expected.slice(skip, skip + 50), rows));
    }
    const last = await coll().find({}).sort({ receivedAt: -1 }).skip(395).limit(50).toArray();
    expect(
      last
        .slice(-2)
        .map((r) => r._id)
        .sort(),
    ).toEqual(['M-missing', 'M-null']);
  });

  it('S10 oldest first puts the undated ones first; a filter still applies to the whole collection', async () => {
    const asc = await coll().find({}).sort({ receivedAt: 1 }).limit(5).toArray();
    expect(
      asc
        .slice(0, 2)
        .map((r) => r._id)
        .sort(),
    ).toEqual(['M-missing', 'M-null']);
    expect(
      datesOf(
        asc.map((r) => r._id),
        rows,
      ),
    ).toEqual(datesOf(mongoOrder(rows, 1).slice(0, 5), rows));

    const north = rows.filter((r) => r.region === 'north');
    const page = await coll().find({ region: 'north' }).sort({ receivedAt: -1 }).skip(10).limit(20).toArray();
    expect(page.every((r) => r.region === 'north')).toBe(true);
    expect(
      datesOf(
        page.map((r) => r._id),
        rows,
      ),
    ).toEqual(datesOf(mongoOrder(north, -1).slice(10, 30), rows));
  });

  it('S10 paging through ties (complaints of a burst filed in the same millisecond) shows each one exactly once', async () => {
    // Each page is its own query with its own LIMIT: the ties must come in the same order every
    // time, or a page boundary drops one and repeats another (seen in the hour-long soak).
    const ties = db.mongo.collection<Row>('sortties');
    const at = Date.UTC(2026, 11, 5, 13);
    await ties.insertMany(
      Array.from({ length: 250 }, (_, i) => ({
        _id: `T${String((i * 7919) % 1000).padStart(4, '0')}-${i}`,
        receivedAt: new Date(at + Math.floor(i / 50) * 1000),
        region: 'north',
      })),
    );
    for (const dir of [-1, 1] as const) {
      const seen: string[] = [];
      for (let skip = 0; skip < 250; skip += 40) {
        const page = await ties.find({}).sort({ receivedAt: dir }).skip(skip).limit(40).toArray();
        seen.push(...page.map((r) => r._id));
      }
      expect(seen).toHaveLength(250);
      expect(new Set(seen).size).toBe(250);
    }
  });

  it('S10 PostgreSQL sorts and, without filter, limits; with a filter it sorts only', async () => {
    const explain = (find: Record<string, unknown>) =>
      db.mongo.db!.command({ explain: { find: 'sortcheck', ...find } }) as Promise<{
        sortPushdown?: boolean;
        limitPushdown?: boolean;
      }>;
    const plain = await explain({ filter: {}, sort: { receivedAt: -1 }, skip: 50n, limit: 50 });
    expect([plain.sortPushdown, plain.limitPushdown]).toEqual([true, true]);
    const filtered = await explain({ filter: { region: 'north' }, sort: { receivedAt: -1 }, limit: 50 });
    expect([filtered.sortPushdown, filtered.limitPushdown]).toEqual([true, false]);
    // An undeclared field keeps FerretDB's own path (sorted in memory, nothing pushed down).
    const other = await explain({ filter: {}, sort: { region: -1 }, limit: 50 });
    expect([other.sortPushdown, other.limitPushdown]).toEqual([false, false]);
  });

  it("S10 a count without filter is the collection's, before and after writes", async () => {
    expect(await coll().estimatedDocumentCount()).toBe(rows.length);
    expect(await coll().countDocuments({})).toBe(rows.length);
    await coll().deleteMany({ region: 'north' });
    const left = rows.filter((r) => r.region !== 'north').length;
    expect(await coll().estimatedDocumentCount()).toBe(left);
    expect(await coll().countDocuments({})).toBe(left);
    expect(await coll().countDocuments({ region: 'south' })).toBe(left);
  });
});
