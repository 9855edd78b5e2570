// Runs the OpenAPI fuzzer against a running ClosedLoop API: prepares sample complaints (one open,
// one closed), credentials for every role, snapshots the state before and after, and reports.
import { fuzz, type FuzzReport, type OpenApiDoc } from './openapi-fuzz';

export interface FuzzTarget {
  baseUrl: string;
  /** API keys of the local stack */
  keys: { intake: string; supervisor: string; handler: string };
}

export interface FuzzRun {
  report: FuzzReport;
  operations: number;
  before: StateSnapshot;
  after: StateSnapshot;
  stateChanged: string[];
}

interface StateSnapshot {
  complaints: number;
  samples: Record<
    string,
    { stage: string; version: number; timeline: number; audit: number; chainOk: boolean }
  >;
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  auth: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`fuzz setup: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runFuzz(
  target: FuzzTarget,
  opts: { numRuns: number; seed?: number; concurrency?: number; onProgress?: (n: number) => void },
): Promise<FuzzRun> {
  const base = target.baseUrl.replace(/\/$/, '');
  const sup = `Bearer ${target.keys.supervisor}`;
  const token = async (user: string) => {
    const r = await call<{ access_token?: string }>(base, 'POST', '/dev/token', '', { user });
    return r.body.access_token ? `Bearer ${r.body.access_token}` : undefined;
  };
  const admin = await token('admin.root');
  const credentials: Record<string, string> = {
    intake: `Bearer ${target.keys.intake}`,
    handler: `Bearer ${target.keys.handler}`,
    supervisor: sup,
  };
  for (const [role, user] of [
    ['admin', 'admin.root'],
    ['interface', 'interface.chen'],
    ['department', 'dept.network'],
    ['vipManager', 'vip.manager'],
    ['analyst', 'analyst.sun'],
  ] as const) {
    const t = role === 'admin' ? admin : await token(user);
    if (t) credentials[role] = t;
  }

  // Sample complaints: one open (received), one closed.
  const stamp = `${Date.now().toString(36)}-${process.pid}`;
  const intake = (externalId: string) =>
    call<{ ticketId: string }>(base, 'POST', '/v1/complaints', credentials.intake!, {
      channel: 'EMOS',
      externalId,
      category: 'NO_SIGNAL',
      description: '模糊测试样本：室内无信号',
      location: { region: 'haidian', address: '北京市海淀区中关村大街1号', cellId: '460-00-12345-1' },
      occurrence: { frequency: 'DAILY' },
      numbers: { callback: '+8613800138000' },
    });
  const open = (await intake(`FUZZ-OPEN-${stamp}`)).body.ticketId;
  const closed = (await intake(`FUZZ-CLOSED-${stamp}`)).body.ticketId;
  const steps: [string, unknown][] = [
    ['triage', { decision: 'SELF' }],
    ['findings', { checked: '话统指标', found: '小区退服' }],
    ['resolve', { summary: '恢复小区后信号正常，已复测', rootCause: '小区退服', actions: '恢复并复测' }],
    [
      'replies',
      { kind: 'FINAL', method: 'PHONE', summary: '电话告知', customerConfirmed: true, satisfied: true },
    ],
    ['close', {}],
  ];
  await waitFor('the closed sample to be readable', async () =>
    (await call(base, 'GET', `/v1/complaints/${closed}`, sup)).status === 200 ? true : undefined,
  );
  for (const [step, body] of steps) {
    const r = await call(base, 'POST', `/v1/complaints/${closed}/${step}`, sup, body);
    if (r.status !== 200) throw new Error(`fuzz setup: ${step} answered ${r.status}`);
  }

  const snapshot = async (): Promise<StateSnapshot> => {
    const list = await call<{ total: number }>(base, 'GET', '/v1/complaints?limit=1', sup);
    const samples: StateSnapshot['samples'] = {};
    for (const id of [open, closed]) {
      const v = await call<{ stage: string; version: number; timeline: unknown[] }>(
        base,
        'GET',
        `/v1/complaints/${id}`,
        sup,
      );
      const a = admin
        ? await call<{ entries: unknown[] }>(base, 'GET', `/v1/admin/audit/${id}`, admin)
        : { body: { entries: [] } };
      const ok = admin
        ? await call<{ ok: boolean }>(base, 'GET', `/v1/admin/audit/${id}/verify`, admin)
        : { body: { ok: true } };
      samples[id] = {
        stage: v.body.stage,
        version: v.body.version,
        timeline: v.body.timeline.length,
        audit: a.body.entries.length,
        chainOk: ok.body.ok,
      };
    }
    return { complaints: list.body.total, samples };
  };
  // Wait until the samples are quiet (acknowledgement SMS, projections and audit appended).
  let before = await snapshot();
  await waitFor('the sample complaints to settle', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await snapshot();
    const same = JSON.stringify(now) === JSON.stringify(before);
    before = now;
    return same && now.samples[open]!.timeline >= 2 ? true : undefined;
  });

  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDoc;
  const report = await fuzz(
    doc,
    {
      baseUrl: base,
      pathValues: { id: [open, closed], ticketId: [open, closed], name: ['mine', 'team', 'breached'] },
      credentials,
    },
    opts,
  );
  // Give any (wrongly) accepted work time to land before comparing.
  await new Promise((r) => setTimeout(r, 1500));
  const after = await snapshot();
  const stateChanged: string[] = [];
  if (after.complaints !== before.complaints)
    stateChanged.push(`complaints: ${before.complaints} → ${after.complaints}`);
  for (const id of Object.keys(before.samples))
    if (JSON.stringify(before.samples[id]) !== JSON.stringify(after.samples[id]))
      stateChanged.push(
        `${id}: ${JSON.stringify(before.samples[id])} → ${JSON.stringify(after.samples[id])}`,
      );
  return { report, operations: Object.keys(doc.paths).length, before, after, stateChanged };
}

export function summary(run: FuzzRun): string {
  const { report } = run;
  const statuses = Object.entries(report.byStatus)
    .sort()
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const ops = Object.entries(report.byOperation)
    .sort()
    .map(([op, n]) => `  ${op}: ${n}`)
    .join('\n');
  return [
    `requests: ${report.requests} over ${Object.keys(report.byOperation).length} operations; slowest ${report.maxMs} ms`,
    `statuses: ${statuses}`,
    ops,
    `connections lost once and answered on a retry: ${report.retried.length}`,
    ...report.retried.slice(0, 5).map((r) => `  ${r.error}: ${r.request}`),
    `failures: ${report.failures.length}`,
    ...report.failures.slice(0, 20).map((f) => `  ${f.problem}: ${f.request}`),
    `state changed: ${run.stateChanged.length ? run.stateChanged.join('; ') : 'no'}`,
  ].join('\n');
}
