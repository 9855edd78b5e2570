// The customer's signature as evidence of their final opinion (R5.5) on the real local stack: the
// link arrives by SMS in the Twilio simulator, the page and its POST are public with the one-time
// token, the signature is kept with its SHA-256, and the dispute-prone complaint can then close.
import { createHash } from 'node:crypto';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

type View = {
  stage: string;
  consentEvidence: { kind?: string; id: string; sha256: string; url: string }[];
  replies: { kind: string; counts: boolean; satisfied?: boolean }[];
  signatureRequests?: { status: string }[];
};

it('R5.5 the customer signs the result on a one-time page; the signature is kept and the complaint closes', async () => {
  const number = uniqueMobile();
  const filed = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number } }),
    KEYS.intake,
  );
  const id = filed.body.ticketId;
  const act = (path: string, body: unknown) =>
    stack.http.post<View & { message?: string }>(`/v1/complaints/${id}/${path}`, body, KEYS.supervisor);
  expect((await act('dispute-prone', { reason: '客户曾表示要向工信部申诉' })).status).toBe(200);
  expect((await act('triage', { decision: 'SELF' })).status).toBe(200);
  expect(
    (await act('findings', { checked: '话统、告警、干扰分析', found: '上行干扰 -98 dBm，来源为违规放大器' }))
      .status,
  ).toBe(200);
  expect(
    (
      await act('resolve', {
        summary: '协调无委拆除违规放大器后指标恢复',
        rootCause: '外部违规放大器造成上行干扰',
        actions: '无委现场拆除放大器，复测正常',
      })
    ).status,
  ).toBe(200);
  const noEvidence = await act('close', {});
  expect(noEvidence.status).toBe(409);

  const requested = await act('signature-requests', {
    message: '经查为外部违规放大器干扰，已协调拆除，复测信号恢复正常。',
  });
  expect(requested.status).toBe(200);
  const link = await eventually(async () => {
    const res = await fetch(`${stack.urls.twilioSim}/_sim/messages?to=${encodeURIComponent(number)}`);
    const list = (await res.json()) as { body: string }[];
    return list.map((m) => /\/sign\/([A-Za-z0-9_-]{32})/.exec(m.body)?.[0]).find(Boolean);
  });
  const url = stack.urls.api + link;

  const pageRes = await fetch(url);
  expect(pageRes.status).toBe(200);
  const html = await pageRes.text();
  expect(html).toContain(id);
  expect(html).toContain('违规放大器');
  expect((await fetch(`${stack.urls.api}/sign/${'x'.repeat(32)}`)).status).toBe(404);

  const post = (body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const bad = await post({ answer: 'SATISFIED', png: 'data:image/png;base64,AAAA' });
  expect(bad.status).toBe(400);
  const ok = await post({ answer: 'SATISFIED', png: `data:image/png;base64,${PNG}` });
  expect(ok.status).toBe(201);
  const sha = createHash('sha256').update(Buffer.from(PNG, 'base64')).digest('hex');
  expect(((await ok.json()) as { sha256: string }).sha256).toBe(sha);
  expect((await post({ answer: 'SATISFIED', png: `data:image/png;base64,${PNG}` })).status).toBe(410);

  const v = await eventually(async () => {
    const r = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
    return r.body.consentEvidence.some((e) => e.kind === 'signature') ? r.body : undefined;
  });
  const evidence = v.consentEvidence.find((e) => e.kind === 'signature')!;
  expect(evidence.sha256).toBe(sha);
  expect(v.replies.at(-1)).toMatchObject({ kind: 'FINAL', counts: true, satisfied: true });
  const image = await fetch(stack.urls.api + evidence.url, {
    headers: { authorization: `Bearer ${KEYS.supervisor}` },
  });
  expect(image.status).toBe(200);
  expect(image.headers.get('x-content-sha256')).toBe(sha);
  const closed = await act('close', {});
  expect(closed.status).toBe(200);
  expect(closed.body.stage).toBe('CLOSED');
});
