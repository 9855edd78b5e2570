// Runs tasks with the same key one after the other inside this process (issue 9).
//
// Why: FerretDB v1 applies an update as read → modify → write in Go, without compare-and-swap, so
// two versioned upserts of one complaint at the same time (the main loop's commit and a background
// commit, or a retried attempt whose stale write was still queued while the database was down) can
// both pass the `version: {$lt: v}` filter, and the older one can land last: the read model goes
// backwards (seen by the chaos test; 18 of 30 rounds of 8 concurrent writers kept a stale version).
// MongoDB applies the filter atomically; this lock made the same guarantee hold on FerretDB for
// all writes made by one worker process. Since issue 18 the stack's FerretDB applies it atomically
// too (infra/ferretdb/update-cas.patch: compare-and-swap, which also covers several worker
// processes, test/integration/projection-order.test.ts); the lock stays because it spares the
// database conflicting writes of one complaint (each conflict costs a re-read and a retry).
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Number of keys with a task running or waiting (for tests). */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
