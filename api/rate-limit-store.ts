// Rate-limit counters in the database (issue 18, D6): every API replica counts a key's requests in
// the same document, so a client cannot multiply its limit by the number of replicas.
//
// Fixed windows aligned to the clock: a key's hits of one window are one document, `_id`
// `<key>@<window start>`, incremented with an upserting `$inc` (atomic on MongoDB, and on the
// stack's FerretDB with infra/ferretdb/update-cas.patch). Documents of past windows are deleted by a
// periodic sweep (FerretDB v1 has no TTL indexes). A database that fails or does not answer within
// `timeoutMs` does not stop the API: the request passes uncounted (fail open) and a warning is
// logged once a window.
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

export class DatabaseRateLimitStore implements Store {
  /** Counts are shared by every process using the database. */
  readonly localKeys = false;
  readonly prefix = 'rl';
  private windowMs = 60_000;
  private readonly model: Model<RateLimitDoc>;
  private sweeper: NodeJS.Timeout | undefined;
  private warnedWindow = -1;

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
      const hits = await this.bounded(this.incrementDoc(id, key, resetTime));
      return { totalHits: hits, resetTime };
    } catch (err) {
      if (this.warnedWindow !== start) {
        this.warnedWindow = start;
        this.logger?.warn({ err }, 'rate limit counters unavailable: requests pass uncounted');
      }
      return { totalHits: 0, resetTime };
    }
  }

  private async incrementDoc(id: string, key: string, resetAt: Date): Promise<number> {
    const inc = (upsert: boolean) =>
      this.model
        .findOneAndUpdate(
          { _id: id },
          { $inc: { hits: 1 }, $setOnInsert: { key, resetAt } },
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
    return doc?.hits ?? 1;
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
