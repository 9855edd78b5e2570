// Customer-contact activities (R4.3, R5.5): reply calls through twilio with an outbox keyed by the
// workflow's idempotency key (never a second call for the same key), confirmation SMS through the
// shared SMS outbox, recording evidence (media downloaded, SHA-256, insert-only record), and the
// number → workflow routing that lets an inbound SMS reach the right contact workflow.
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Twilio } from 'twilio';
import { contactWebhookBase, type RecordingEvidence } from '../domain/contact';
import {
  createContactModels,
  type ContactCallDoc,
  type ContactModels,
  type EvidenceDoc,
} from './contact-models';
import { renderContactSms } from './contact-templates';
import type {
  ActiveContactInput,
  ContactActivities,
  PlaceCallInput,
  PlaceCallResult,
  SendContactSmsInput,
  StoreRecordingEvidenceInput,
} from './contact-types';
import { isDuplicateKey, type Models } from './models';
import { createSmsOutbox, isPermanentTwilioError } from './notifications';

export interface ContactDeps {
  models: Models;
  /** Defaults to the contact collections on the same connection as `models`. */
  contactModels?: ContactModels;
  twilio: Twilio;
  logger: Logger;
  config: {
    fromNumber: string;
    /** Base of the webhook URLs given to Twilio (they are signed over it). */
    publicBaseUrl: string;
  };
}

/** Media larger than this stays with Twilio only (its hash and URL are still recorded). */
const MAX_STORED_MEDIA_BYTES = 8 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;

function toEvidence(doc: EvidenceDoc): RecordingEvidence {
  return {
    id: doc._id,
    sid: doc.recordingSid,
    callSid: doc.callSid,
    url: doc.url,
    durationSec: doc.durationSec,
    sha256: doc.sha256,
    bytes: doc.bytes,
    capturedAt: doc.capturedAt.toISOString(),
  };
}

/** Tells Temporal the activity is alive (a dead worker is noticed after the heartbeat timeout). */
function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Not running as an activity (a direct call, e.g. in a script): nothing to tell.
  }
}

/** Reads a response body, heartbeating per chunk so that a long download is not taken for a dead worker. */
async function readBody(res: Response): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    heartbeat();
  }
  return Buffer.concat(chunks);
}

export function createContactActivities(deps: ContactDeps): ContactActivities {
  const { twilio, logger, config } = deps;
  const cm = deps.contactModels ?? createContactModels(deps.models.Outbox.db);
  const smsOutbox = createSmsOutbox(deps);

  /** Claims the call's key: null when new, else the earlier claim (retry or crash recovery). */
  async function claimCall(input: PlaceCallInput): Promise<ContactCallDoc | null> {
    const now = new Date();
    try {
      await cm.ContactCall.create({
        _id: input.idempotencyKey,
        ticketId: input.ticketId,
        workflowId: input.workflowId,
        attempt: input.attempt,
        purpose: input.purpose,
        to: input.to,
        language: input.language,
        message: input.message,
        record: input.record,
        state: 'SENDING',
        tries: 1,
        createdAt: now,
        updatedAt: now,
      });
      return null;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await cm.ContactCall.findById(input.idempotencyKey).lean();
      await cm.ContactCall.updateOne(
        { _id: input.idempotencyKey },
        { $inc: { tries: 1 }, $set: { updatedAt: now } },
      );
      return existing;
    }
  }

  /**
   * A call an interrupted attempt may have placed: to the same number from our number, created at
   * or after the claim, and not already the call of another key.
   */
  async function findPlacedCall(
    to: string,
    since: Date,
  ): Promise<{ sid: string; status: string } | undefined> {
    const calls = await twilio.calls.list({
      to,
      from: config.fromNumber,
      startTimeAfter: new Date(since.getTime() - 60_000),
      limit: 50,
    });
    const known = new Set(
      (await cm.ContactCall.find({ to, callSid: { $exists: true } }, { callSid: 1 }).lean()).map(
        (d) => d.callSid,
      ),
    );
    const fromSecond = Math.floor(since.getTime() / 1000) * 1000; // Twilio dates have 1 s resolution
    const match = calls
      .filter((c) => c.dateCreated.getTime() >= fromSecond && !known.has(c.sid))
      .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())[0];
    return match ? { sid: match.sid, status: match.status } : undefined;
  }

  async function markPlaced(key: string, sid: string, status: string): Promise<void> {
    await cm.ContactCall.updateOne(
      { _id: key },
      { $set: { state: 'SENT', callSid: sid, callStatus: status, updatedAt: new Date() } },
    );
  }

  async function placeCall(input: PlaceCallInput): Promise<PlaceCallResult> {
    const key = input.idempotencyKey;
    const prior = await claimCall(input);
    if (prior?.state === 'SENT' && prior.callSid) {
      return { callSid: prior.callSid, status: prior.callStatus ?? 'queued', alreadyPlaced: true };
    }
    if (prior?.state === 'FAILED') {
      throw ApplicationFailure.nonRetryable(prior.error ?? 'call failed permanently', 'InvalidNumber');
    }
    if (prior?.state === 'SENDING') {
      const found = await findPlacedCall(input.to, prior.createdAt);
      if (found) {
        await markPlaced(key, found.sid, found.status);
        logger.info({ key, sid: found.sid }, 'call recovered from an interrupted attempt');
        return { callSid: found.sid, status: found.status, alreadyPlaced: true };
      }
    }
    const base = contactWebhookBase(config.publicBaseUrl, input.workflowId);
    const q = `?attempt=${input.attempt}`;
    try {
      const call = await twilio.calls.create({
        to: input.to,
        from: config.fromNumber,
        url: `${base}/twiml${q}`,
        method: 'POST',
        statusCallback: `${base}/call-status${q}`,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['answered', 'completed'],
        timeout: 30,
        ...(input.record
          ? {
              // The whole call is recorded (the customer consented): evidence for R5.5.
              record: true,
              recordingStatusCallback: `${base}/recording-status${q}`,
              recordingStatusCallbackMethod: 'POST',
              recordingStatusCallbackEvent: ['completed'],
            }
          : {}),
      });
      await markPlaced(key, call.sid, call.status);
      logger.info({ key, sid: call.sid, ticketId: input.ticketId }, 'call placed');
      return { callSid: call.sid, status: call.status, alreadyPlaced: false };
    } catch (err) {
      if (isPermanentTwilioError(err)) {
        const message = `Twilio refused the call (code ${(err as { code?: number }).code}): ${(err as Error).message}`;
        await cm.ContactCall.updateOne(
          { _id: key },
          { $set: { state: 'FAILED', error: message, updatedAt: new Date() } },
        );
        throw ApplicationFailure.nonRetryable(message, 'InvalidNumber');
      }
      throw err;
    }
  }

  async function sendContactSms(input: SendContactSmsInput) {
    const body = renderContactSms(input.template, input.language, input.purpose, input.vars);
    return smsOutbox.send({
      idempotencyKey: input.idempotencyKey,
      ticketId: input.ticketId,
      to: input.to,
      body,
    });
  }

  /** Only Twilio's own hosts (or the configured simulator) are fetched, with the account's credentials. */
  function mediaRequest(url: string): { url: string; headers: Record<string, string> } {
    const httpClient = twilio.httpClient as { rewrite?: (uri: string) => string; baseUrl?: string };
    const target = httpClient.rewrite ? httpClient.rewrite(url) : url;
    const parsed = new URL(target);
    const twilioHost = parsed.protocol === 'https:' && /(^|\.)twilio\.com$/i.test(parsed.hostname);
    const simulator =
      httpClient.baseUrl !== undefined && parsed.origin === new URL(httpClient.baseUrl).origin;
    if (!twilioHost && !simulator) {
      throw ApplicationFailure.nonRetryable(
        `recording URL ${parsed.origin} is not Twilio's`,
        'BadRecordingUrl',
      );
    }
    const auth = Buffer.from(`${twilio.username}:${twilio.password}`).toString('base64');
    return { url: target, headers: { Authorization: `Basic ${auth}` } };
  }

  async function storeRecordingEvidence(input: StoreRecordingEvidenceInput): Promise<RecordingEvidence> {
    heartbeat();
    const existing = await cm.Evidence.findById(input.evidenceId).lean();
    if (existing) return toEvidence(existing);

    let { recordingSid, recordingUrl, durationSec } = input;
    if (!recordingSid || !recordingUrl) {
      // No recording callback reached the workflow in time: ask Twilio for the call's recording.
      const recordings = await twilio.recordings.list({ callSid: input.callSid, limit: 20 });
      const done = recordings.find((r) => r.status === 'completed');
      if (!done) throw ApplicationFailure.retryable(`no completed recording yet for ${input.callSid}`);
      recordingSid = done.sid;
      durationSec = Number(done.duration);
      recordingUrl = done.mediaUrl || `https://api.twilio.com${done.uri.replace(/\.json$/, '')}`;
    }

    const request = mediaRequest(recordingUrl);
    const res = await fetch(request.url, {
      headers: request.headers,
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!res.ok)
      throw ApplicationFailure.retryable(`recording media: HTTP ${res.status}`, 'RecordingDownload');
    const media = await readBody(res);
    const sha256 = createHash('sha256').update(media).digest('hex');
    const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
    const now = new Date();

    const mediaStored = media.length <= MAX_STORED_MEDIA_BYTES;
    if (mediaStored) {
      try {
        await cm.EvidenceMedia.create({
          _id: sha256,
          contentType,
          bytes: media.length,
          data: media,
          storedAt: now,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // the same bytes are already kept
      }
    }
    const doc: EvidenceDoc = {
      _id: input.evidenceId,
      kind: 'CALL_RECORDING',
      ticketId: input.ticketId,
      workflowId: input.workflowId,
      purpose: input.purpose,
      callSid: input.callSid,
      recordingSid,
      url: recordingUrl,
      durationSec: durationSec ?? 0,
      sha256,
      bytes: media.length,
      contentType,
      mediaStored,
      capturedAt: now,
      storedAt: now,
    };
    try {
      await cm.Evidence.create(doc);
    } catch (err) {
      // Insert-only: evidence is never overwritten; a concurrent or earlier attempt's record stands.
      if (!isDuplicateKey(err)) throw err;
      const first = await cm.Evidence.findById(input.evidenceId).lean();
      if (first) return toEvidence(first);
      throw err;
    }
    logger.info(
      { ticketId: input.ticketId, recordingSid, sha256, bytes: media.length },
      'recording evidence stored',
    );
    return toEvidence(doc);
  }

  async function registerActiveContact(input: ActiveContactInput): Promise<void> {
    await cm.ActiveContact.updateOne(
      { _id: input.to },
      {
        $set: {
          workflowId: input.workflowId,
          ticketId: input.ticketId,
          purpose: input.purpose,
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  async function clearActiveContact(input: Pick<ActiveContactInput, 'to' | 'workflowId'>): Promise<void> {
    // Only this workflow's routing: a newer contact with the same number keeps its own.
    await cm.ActiveContact.deleteOne({ _id: input.to, workflowId: input.workflowId });
  }

  return { placeCall, sendContactSms, storeRecordingEvidence, registerActiveContact, clearActiveContact };
}
