// #9 The per-complaint write lock of the projection (FerretDB's versioned upsert is not atomic).
import { KeyedLock } from '../../activities/keyed-lock';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('#9 KeyedLock', () => {
  it('#9 runs tasks of one key one after the other, in arrival order, and other keys in parallel', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      lock.run('a', task('a1', 30)),
      lock.run('a', task('a2', 1)),
      lock.run('b', task('b1', 5)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    // a2 starts only after a1 ended; b1 ran while a1 was running.
    expect(log.indexOf('a2+')).toBeGreaterThan(log.indexOf('a1-'));
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
    expect(lock.size).toBe(0);
  });

  it('#9 a failed task does not block the next one of the same key', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('a', async () => {
      throw new Error('database down');
    });
    await expect(failed).rejects.toThrow('database down');
    await expect(lock.run('a', async () => 'next')).resolves.toBe('next');
  });
});
