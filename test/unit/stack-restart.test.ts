// The local stack starts a child again when it exited before it was ready (the Temporal dev server
// panics when a port it chose itself is taken before it binds it), and only then: a child that is
// merely slow is not started twice, and the attempts are bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readyWithRestarts } from '../../infra/stack/common';
import { ManagedProcess } from '../../infra/stack/processes';

describe('stack: a child that exits while starting is started again', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'closedloop-restart-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A child that exits at once on its first `failures` starts, then prints `ready` and stays up. */
  function flaky(failures: number): ManagedProcess {
    const counter = path.join(dir, 'starts');
    const script = `
      const fs = require('fs');
      const n = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;
      fs.writeFileSync(${JSON.stringify(counter)}, String(n));
      if (n <= ${failures}) { console.error('panic: port taken'); process.exit(2); }
      console.log('ready'); setInterval(() => {}, 1000);`;
    return ManagedProcess.start({ name: 'flaky', command: process.execPath, args: ['-e', script] });
  }

  it('stack: two early exits, then ready on the third start', async () => {
    const proc = flaky(2);
    const said: string[] = [];
    try {
      await readyWithRestarts(
        proc,
        async () => void (await proc.waitForOutput(/ready/, 10_000)),
        (m) => said.push(m),
      );
      expect(proc.running).toBe(true);
      expect(said).toHaveLength(2);
      expect(said[0]).toMatch(/flaky exited while starting .*starting it again \(2 of 3\)/);
    } finally {
      await proc.stop();
    }
  });

  it("stack: gives up after the last attempt with the child's own failure", async () => {
    const proc = flaky(5);
    const said: string[] = [];
    await expect(
      readyWithRestarts(
        proc,
        async () => void (await proc.waitForOutput(/ready/, 10_000)),
        (m) => said.push(m),
      ),
    ).rejects.toThrow(/exited/);
    expect(said).toHaveLength(2);
    expect(proc.running).toBe(false);
  });

  it('stack: a child still running when its readiness times out is not started twice', async () => {
    const proc = ManagedProcess.start({
      name: 'slow',
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
    });
    const said: string[] = [];
    try {
      await expect(
        readyWithRestarts(
          proc,
          async () => void (await proc.waitForOutput(/ready/, 300)),
          (m) => said.push(m),
        ),
      ).rejects.toThrow();
      expect(said).toEqual([]);
      expect(proc.running).toBe(true);
    } finally {
      await proc.stop();
    }
  });
});
