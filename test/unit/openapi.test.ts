// Issue 17: one declaration per operation; /openapi.json generated and complete; the console's
// client types generated from it; departments and ladder levels from the policy data.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Models } from '../../activities/models';
import { ACCESS } from '../../api/access';
import { createComplaintService } from '../../api/complaints-service';
import { HttpError } from '../../api/errors';
import { buildOpenApi } from '../../api/openapi';
import { withSecurity } from '../../api/openapi-security';
import { COMPLAINT_ACTIONS, OPERATIONS } from '../../api/operations';
import { TriageSchema } from '../../api/schemas';
import { triageUpdate, type ComplaintView } from '../../workflows/complaint/contract';
import { OpenApiResponseCheck } from '../support/openapi-check';

type Op = {
  operationId?: string;
  tags?: string[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
};
const doc = withSecurity(buildOpenApi('http://x'), { devAuth: true, codecAuth: true }) as unknown as {
  paths: Record<string, Record<string, Op>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, { content: Record<string, unknown> }>;
  };
};
const operations = Object.entries(doc.paths).flatMap(([p, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${p}`, path: p, op })),
);

describe('I17 the OpenAPI document is generated and complete', () => {
  it('I17 every operation has a unique operationId and tags', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(operations.filter((o) => !o.op.operationId || !o.op.tags?.length).map((o) => o.name)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('I17 every JSON answer, success or error, has a schema; errors are problem documents', () => {
    const missing: string[] = [];
    for (const { name, op } of operations)
      for (const [status, response] of Object.entries(op.responses)) {
        const resolved = response.$ref
          ? doc.components.responses[response.$ref.replace('#/components/responses/', '')]
          : response;
        if (!resolved) missing.push(`${name} ${status}: unresolved`);
        for (const [media, body] of Object.entries(resolved?.content ?? {}) as [
          string,
          { schema?: unknown },
        ][])
          if (/json$/.test(media) && !body.schema) missing.push(`${name} ${status} ${media}`);
        if (response.$ref && !resolved?.content?.['application/problem+json'])
          missing.push(`${name} ${status}: not a problem document`);
      }
    expect(missing).toEqual([]);
    expect(doc.components.schemas).not.toHaveProperty('__shared');
  });

  it('I17 path parameters are typed from the same zod schemas that validate them', () => {
    const triage = doc.paths['/v1/complaints/{id}/triage']!.post!;
    expect(triage.parameters).toEqual([
      expect.objectContaining({
        name: 'id',
        in: 'path',
        schema: expect.objectContaining({ pattern: expect.any(String) }),
      }),
    ]);
    const list = doc.paths['/v1/complaints']!.get!;
    expect(list.parameters?.find((p) => p.name === 'limit')?.schema).toMatchObject({
      type: 'integer',
      maximum: 200,
    });
  });

  it('I17 the access table, the routes and the document come from one declaration per operation', () => {
    for (const o of OPERATIONS) {
      expect(doc.paths[o.path]?.[o.method.toLowerCase()]?.operationId).toBe(o.operationId);
      expect(ACCESS.filter((r) => r.method === o.method && r.path === o.path)).toHaveLength(1);
    }
    // Every human action answers with the complaint and is audited under its own name.
    const audits = COMPLAINT_ACTIONS.map((a) => a.audit);
    expect(new Set(audits).size).toBe(audits.length);
    for (const a of COMPLAINT_ACTIONS)
      expect(doc.paths[a.path]!.post!.responses['200']!.content!['application/json']!.schema).toEqual({
        $ref: '#/components/schemas/ComplaintView',
      });
  });

  it('I17 the response check fails an answer the document does not describe', () => {
    const check = new OpenApiResponseCheck(doc as never);
    const url = '/v1/complaints/EMOS-1';
    const problem = { error: 'not_found', message: 'complaint EMOS-1 not found' };
    expect(check.problemsOf('GET', url, 404, 'application/problem+json', problem)).toEqual([]);
    expect(check.problemsOf('GET', url, 404, 'application/json', problem)).toEqual([
      expect.stringMatching(/sent application\/json, documented application\/problem\+json/),
    ]);
    expect(check.problemsOf('GET', url, 200, 'application/json', { ticketId: 'EMOS-1' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/must have required property 'stage'/)]),
    );
    expect(
      // 200 is not an answer of this operation: only the default (an error) is left, and {} is none.
      check.problemsOf('POST', '/v1/complaints/EMOS-1/escalations', 200, 'application/problem+json', {}),
    ).toEqual([
      expect.stringMatching(/must have required property 'error'/),
      expect.stringMatching(/must have required property 'message'/),
    ]);
    expect(
      check.problemsOf('GET', '/v1/reports/weekly-2026-W48.html', 200, 'text/html; charset=utf-8', '<html>'),
    ).toEqual([]);
    expect(check.problemsOf('GET', '/console/', 200, 'text/html', '')).toEqual([]);
  });

  it('I17 the console client types are generated from the document and up to date', () => {
    const root = path.resolve(__dirname, '..', '..');
    const out = execFileSync(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(root, 'api', 'openapi-types.ts'), '--check'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out).toMatch(/up to date/);
  });
});

describe('I17 departments and ladder levels come from the policy data', () => {
  const view = { ticketId: 'EMOS-1', stage: 'TRANSFERRED' } as ComplaintView;
  const service = () =>
    createComplaintService({
      // The update answers with the version of the action (issue 23); the view is the read model's.
      client: {
        workflow: {
          getHandle: () => ({
            executeUpdate: async () => ({ ticketId: 'EMOS-1', version: 3, stage: 'TRANSFERRED' }),
          }),
        },
      } as unknown as Client,
      models: {
        Complaint: { exists: async () => true },
        ComplaintView: { findById: () => ({ lean: async () => ({ version: 3, view }) }) },
      } as unknown as Models,
      taskQueue: 'q',
      temporalUiUrl: 'http://ui',
      namespace: 'default',
      vocabulary: async () => ({ departments: ['network', 'wireless'], levels: [1, 2, 3] }),
    });
  const actor = { user: 'handler.li', roles: ['handler'] };

  it('I17 a department the active policy set defines is accepted, another is refused naming the field', async () => {
    const wireless = TriageSchema.parse({ decision: 'TRANSFER', department: 'wireless' });
    await expect(service().act(triageUpdate, 'EMOS-1', actor, wireless)).resolves.toMatchObject(view);
    const billing = TriageSchema.parse({ decision: 'TRANSFER', department: 'billing' });
    const refused = await service()
      .act(triageUpdate, 'EMOS-1', actor, billing)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 400, details: [{ field: 'department' }] });
  });

  it('I17 an escalation level beyond the ladder is refused naming the field', async () => {
    await expect(service().escalate('EMOS-1', actor, { level: 4, reason: 'x' })).rejects.toMatchObject({
      status: 400,
      details: [{ field: 'level' }],
    });
  });
});
