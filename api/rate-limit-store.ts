// Rate-limit counters in the database (issue 18, D6): every API replica counts a key's requests in
// the same document, so a client cannot multiply its limit by the number of replicas.
//
// Fixed windows aligned to the clock: a key's hits of one window are one document, `_id`
// `<key>@<window start>`, incremented with an upserting `$inc` (atomic on MongoDB, and on the
// stack's FerretDB with infra/ferretdb/update-cas.patch). Documents of past windows are deleted by a
// periodic sweep (FerretDB v1 has no TTL indexes). A database that fails or does not answer within
// `timeoutMs` does not stop the API: the request passes uncounted (fail open) and a warning is
// logged once a window.
//
// One write per window document at a time in each process: the hits that arrive while it is being
// written wait and go into the next write together (`$inc` by their number), and each learns the
// count as it stood at its own hit. Every hit is counted; what changes is that a busy client's
// requests no longer queue one by one on its single document. Before (S10 soak, 2026-12-05): every
// request was one update of that document, and on FerretDB (a transaction per update holding the
// row while it round-trips) 20 of them waited on its row lock at once, requests waited up to the
// 1 s bound, and the database's CPU doubled.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKey, modelOn } from '../activities/models';

interface RateLimitDoc {
  _id: string;
  key: string;
  hits: number;
  resetAt: Date;
}

const schema = new Schema<RateLimitDoc>(
  { _id: String, key: { type: String, required: true }, hits: Number, resetAt: Date },
  { collection: 'rate_limits', versionKey: false },
);

/** The hits of one window document waiting for the next write, in arrival order. */
interface Batch {
  key: string;
  resetAt: Date;
  waiters: { resolve: (hits: number) => void; reject: (err: unknown) => void }[];
}

export class DatabaseRateLimitStore implements Store {
  /** Counts are shared by every process using the database. */
  readonly localKeys = false;
  readonly prefix = 'rl';
  private windowMs = 60_000;
  private readonly model: Model<RateLimitDoc>;
  private sweeper: NodeJS.Timeout | undefined;
  private warnedWindow = -1;
  /** Window document id → the hits waiting for its next write. */
  private readonly queued = new Map<string, Batch>();
  /** Window document ids being written now. */
  private readonly writing = new Set<string>();

  constructor(
    mongo: Connection,
    private readonly logger?: Logger,
    private readonly opts: { timeoutMs?: number; now?: () => number } = {},
  ) {
    this.model = modelOn(mongo, 'RateLimitHits', schema);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.sweeper ??= setInterval(() => void this.sweep().catch(() => undefined), this.windowMs);
    this.sweeper.unref();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private window(key: string): { id: string; start: number; resetTime: Date } {
    const start = Math.floor(this.now() / this.windowMs) * this.windowMs;
    return { id: `${key}@${start}`, start, resetTime: new Date(start + this.windowMs) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { id, start, resetTime } = this.window(key);
    try {
      const hits = await this.bounded(this.enqueue(id, key, resetTime));
      return { totalHits: hits, resetTime };
    } catch (err) {
      if (this.warnedWindow !== start) {
        this.warnedWindow = start;
        this.logger?.warn({ err }, 'rate limit counters unavailable: requests pass uncounted');
      }
      return { totalHits: 0, resetTime };
    }
  }

  /** One hit; resolves with the window's count at this hit once the write carrying it is done. */
  private enqueue(id: string, key: string, resetAt: Date): Promise<number> {
    return new Promise((resolve, reject) => {
      let batch = this.queued.get(id);
      if (!batch) {
        batch = { key, resetAt, waiters: [] };
        this.queued.set(id, batch);
      }
      batch.waiters.push({ resolve, reject });
      if (!this.writing.has(id)) void this.writeQueued(id);
    });
  }

  /** Writes the waiting hits of a window document, one `$inc` per batch, until none are waiting. */
  private async writeQueued(id: string): Promise<void> {
    this.writing.add(id);
    try {
      for (let batch = this.queued.get(id); batch; batch = this.queued.get(id)) {
        this.queued.delete(id);
        const n = batch.waiters.length;
        try {
          const total = await this.incrementDoc(id, batch.key, batch.resetAt, n);
          // In arrival order: the first of the batch was hit total - n + 1, the last the total.
          batch.waiters.forEach((w, i) => w.resolve(total - n + 1 + i));
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
      }
    } finally {
      this.writing.delete(id);
    }
  }

  private async incrementDoc(id: string, key: string, resetAt: Date, n: number): Promise<number> {
    const inc = (upsert: boolean) =>
      this.model
        .findOneAndUpdate(
          { _id: id },
          { $inc: { hits: n }, $setOnInsert: { key, resetAt } },
          { upsert, returnDocument: 'after', lean: true },
        )
        .exec();
    let doc: RateLimitDoc | null;
    try {
      doc = await inc(true);
    } catch (err) {
      // Two replicas created the window's document at once: the other insert won; count on it.
      if (!isDuplicateKey(err)) throw err;
      doc = await inc(false);
    }
    return doc?.hits ?? n;
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rate limit store did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  async decrement(key: string): Promise<void> {
    await this.model.updateOne({ _id: this.window(key).id }, { $inc: { hits: -1 } }).exec();
  }

  async resetKey(key: string): Promise<void> {
    await this.model.deleteMany({ key }).exec();
  }

  /** Deletes the documents of windows that have ended. */
  async sweep(): Promise<number> {
    const res = await this.model.deleteMany({ resetAt: { $lte: new Date(this.now()) } }).exec();
    return res.deletedCount;
  }

  shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
