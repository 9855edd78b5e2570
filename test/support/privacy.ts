// Searching every place ClosedLoop keeps data for personal values (issue 22, S8): every collection
// of the database (listed by the driver), every workflow history in the namespace (fetched and its
// payloads decoded with the product's codec), and the Twilio simulator's recordings.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import mongoose from 'mongoose';
import { createPayloadCodec } from '../../platform/data-converter';
import { payloadKeysFrom } from '../../platform/security-config';

export interface Hit {
  where: string;
  id: string;
  value: string;
  /** The document's ticket (its `ticketId`, or its `_id`), to tell held complaints apart. */
  owner: string;
}

const BASE64 = /^[A-Za-z0-9+/]{16,}={0,2}$/;

/** Every text a value holds: strings, binary data as UTF-8, base64 strings decoded. */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (BASE64.test(value)) out.push(Buffer.from(value, 'base64').toString('utf8'));
  } else if (value instanceof mongoose.mongo.Binary) out.push(Buffer.from(value.buffer).toString('utf8'));
  else if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Date))
    for (const v of Object.values(value as Record<string, unknown>)) texts(v, out);
  return out;
}

/** The values found in any document of any collection, with where they were. */
export async function searchDatabase(mongo: mongoose.Connection, values: readonly string[]): Promise<Hit[]> {
  const db = mongo.db!;
  const hits: Hit[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    if (name.startsWith('system.')) continue;
    for (const doc of await db.collection(name).find({}).toArray()) {
      const all = texts(doc).join('\n');
      for (const value of values)
        if (all.includes(value))
          hits.push({
            where: name,
            id: String(doc._id),
            value,
            owner: String((doc as { ticketId?: unknown }).ticketId ?? doc._id),
          });
    }
  }
  return hits;
}

/** Every Payload message in a decoded history (inputs, results, queries, memo, signals …). */
function payloadsOf(value: unknown, out: Payload[] = []): Payload[] {
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsOf(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') out.push(o as Payload);
  for (const v of Object.values(o)) payloadsOf(v, out);
  return out;
}

/**
 * Every workflow execution of the namespace: its history fetched, every payload decoded with the
 * codec (the raw bytes searched too), for the values. Returns the hits and the executions seen.
 */
export async function searchHistories(
  client: Client,
  env: Record<string, string | undefined>,
  values: readonly string[],
): Promise<{ hits: Hit[]; executions: string[] }> {
  const codec = createPayloadCodec(payloadKeysFrom(env));
  const hits: Hit[] = [];
  const executions: string[] = [];
  for await (const wf of client.workflow.list()) {
    executions.push(wf.workflowId);
    let history: temporal.api.history.v1.IHistory;
    try {
      history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    } catch {
      continue; // deleted between the list and the fetch
    }
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('utf8');
    const decoded = await codec.decode(payloadsOf(history));
    const clear = decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
    for (const value of values)
      if (raw.includes(value) || clear.includes(value))
        hits.push({ where: 'temporal', id: `${wf.workflowId}/${wf.runId}`, value, owner: wf.workflowId });
  }
  return { hits, executions };
}

/** The simulator's recordings of the calls to a number (the provider's recordings store). */
export async function simRecordingsTo(simUrl: string, number: string): Promise<string[]> {
  const calls = (await (await fetch(`${simUrl}/_sim/calls?to=${encodeURIComponent(number)}`)).json()) as {
    sid: string;
  }[];
  const sids: string[] = [];
  for (const call of calls) {
    const res = await fetch(`${simUrl}/_sim/recordings?callSid=${call.sid}`);
    sids.push(...((await res.json()) as { sid: string }[]).map((r) => r.sid));
  }
  return sids;
}
