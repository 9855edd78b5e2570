// Recorded histories (binary protobuf, as the Temporal API returns them) of the complaint workflow replay without non-determinism on every run.
// A change that alters command order must go behind patched(); this test is what catches it. It
// proves R1.4 (every complaint is a durable workflow): complaints started under the old code carry
// on under the new one instead of failing with non-determinism after a deployment.
// Record anew with `npm run record:histories` after a change behind patched(), first renaming the
// current files `<name>.before-<change>.history.pb` so that both stay replayed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DEV_DEFAULTS } from '../../infra/stack/stack';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { workflowBundle } from '../support/time-skipping';

const dir = path.resolve(__dirname, '../replay/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.history.pb'));
// The product's data converter (S3): histories sealed with the dev key replay too; those recorded
// without encryption pass through its codec unchanged.
const dataConverter = dataConverterFromEnv(DEV_DEFAULTS);

it('R1.4 there are recorded histories of running complaints to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

it.each(files)(
  'R1.4 recorded history %s replays without non-determinism: a complaint in flight survives a new worker version',
  async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter },
        history,
        file.replace(/\.history\.pb$/, ''),
      ),
    ).resolves.toBeUndefined();
  },
  60_000,
);

it('R1.4 the recorded histories cover both projections: the whole view (before issue 23) and deltas (after)', () => {
  const projectionTypes = (file: string) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
    return new Set(
      (history.events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter((name) => name?.startsWith('projectComplaint')),
    );
  };
  const before = files.filter((f) => f.includes('.before-deltas.'));
  const after = files.filter((f) => !f.includes('.before-deltas.'));
  expect(before.length).toBeGreaterThanOrEqual(3);
  expect(after.length).toBeGreaterThanOrEqual(3);
  for (const f of before) expect([...projectionTypes(f)]).toEqual(['projectComplaint']);
  for (const f of after) expect([...projectionTypes(f)]).toEqual(['projectComplaintChange']);
});

it('R1.4 the recorded histories cover both TMF event deliveries: activity tasks (before issue 23 made them local) and local activities (after)', () => {
  const deliveries = (file: string) => {
    const events = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file))).events ?? [];
    return {
      scheduled: events.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'publishTicketEvent',
      ).length,
      local: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .length,
    };
  };
  const before = files.filter((f) => f.includes('.before-local-tmf.'));
  const after = files.filter((f) => !f.includes('.before-'));
  expect(before.length).toBeGreaterThanOrEqual(3);
  expect(after.length).toBeGreaterThanOrEqual(3);
  for (const f of before) expect(deliveries(f)).toMatchObject({ scheduled: expect.any(Number), local: 0 });
  for (const f of before) expect(deliveries(f).scheduled).toBeGreaterThan(0);
  for (const f of after) expect(deliveries(f)).toMatchObject({ scheduled: 0 });
  for (const f of after) expect(deliveries(f).local).toBeGreaterThan(0);
});
