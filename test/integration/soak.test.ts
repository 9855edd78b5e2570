// S10 (issue 26), short form of `npm run soak`: a compressed month of 14 ordinary complaints and
// one burst of 26 about one site (a mass incident), handled by simulated handlers, customers and an
// incident owner over HTTP and the Twilio simulator, while the watcher asks /healthz, every
// dependency and the read model about once a second. Nothing may freeze, be lost or be sent twice,
// and every complaint must reach the end its simulation expects (closed, or waiting on a customer
// who never answers).
import { formatRound, planMonth, Soak, SOAK_DEFAULTS, soakStackEnv, type SoakOptions } from '../support/soak';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let soak: Soak;
const options: SoakOptions = {
  ...SOAK_DEFAULTS,
  // A seed whose 14 ordinary complaints include every kind of customer, silent ones too.
  seed: 4,
  complaints: 14,
  bursts: 1,
  burstSize: [26, 26],
  monthSeconds: 30,
  settleMs: 240_000,
};

beforeAll(async () => {
  stack = await startTestStack(soakStackEnv());
  soak = await Soak.start(stack, options, (m) => console.log(`[soak] ${m}`));
}, 600_000);

afterAll(async () => {
  await soak?.stop();
  await stack?.dispose();
}, 60_000);

it('S10 a compressed month with bursts runs without a freeze, loss or duplicate', async () => {
  const plan = planMonth(options, 0, soak.cells);
  const personas = new Set(plan.background.map((p) => p.persona));
  expect([...personas].sort()).toEqual(['manual', 'phone', 'silent', 'sms']);
  const r = await soak.round(plan);
  console.log(formatRound(r).join('\n'));

  expect(r.watch.freezes).toEqual([]);
  expect(r.lost).toEqual([]);
  expect(r.duplicates).toEqual({ sms: 0, mail: 0 });
  expect(r.versionsBackwards).toEqual([]);
  expect(r.notFiled).toEqual([]);
  expect(r.filed).toEqual({ total: 40, background: 14, burst: 26 });
  expect(r.notAtEnd).toEqual([]);
  const silent = plan.background.filter((p) => p.persona === 'silent').length;
  expect(r.waiting).toBe(silent);
  expect(r.closed).toBe(40 - silent);
  expect(r.incidents).toMatchObject({ expected: 1, started: 1, resolved: 1, closed: 1, errors: [] });
  // A watcher that saw nothing proves nothing: every probe answered about once a second.
  for (const [probe, p] of Object.entries(r.watch.probes))
    expect({ probe, enough: p.samples >= Math.max(30, r.watch.seconds / 4) }).toEqual({
      probe,
      enough: true,
    });
}, 480_000);
