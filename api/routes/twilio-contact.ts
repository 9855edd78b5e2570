// Twilio webhooks of the customer contact (R4.3), each accepted only with a valid
// X-Twilio-Signature (403 without it or when wrong; nothing is read, recorded or signalled before
// that), then answered once per I-Twilio-Idempotency-Token (deps.replay, api/webhook-replay.ts):
//
//   POST /webhooks/twilio/contact/{workflowId}/twiml?attempt=N            the reply call's TwiML
//   POST /webhooks/twilio/contact/{workflowId}/gather?attempt=N&try=T     the key the customer pressed
//   POST /webhooks/twilio/contact/{workflowId}/call-status?attempt=N      call status callback
//   POST /webhooks/twilio/contact/{workflowId}/recording-status?attempt=N recording status callback
//   POST /webhooks/twilio/sms-inbound                                     an SMS to our number
//
// Voice events become `callEvent` signals to the contact workflow; an inbound SMS becomes an
// `smsReply` signal to the contact workflow registered for the sender's number. The call script is
// read from MongoDB (contact_calls), so a call in progress is served while the worker is down.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { z } from 'zod';
import type { ContactModels } from '../../activities/contact-models';
import { callScript, sayLanguage, type CallScript } from '../../activities/contact-templates';
import {
  callEventSignal,
  CONTACT_WORKFLOW_ID_PATTERN,
  contactWebhookBase,
  smsReplySignal,
  type CallEventInput,
} from '../../workflows/contact/contract';
import { answerFromDigits, parseCustomerAnswer } from '../../domain/policy/customer-answer';
import { verifyTwilioSignature } from '../webhooks';

export interface TwilioContactDeps {
  client: Client;
  contactModels: ContactModels;
  logger: Logger;
  authToken: string;
  publicBaseUrl: string;
  /** The idempotency-token store (S4): runs after the signature check, before the handler. */
  replay: RequestHandler;
}

const WorkflowIdParam = z.string().regex(CONTACT_WORKFLOW_ID_PATTERN, 'not a contact workflow id');
const AttemptQuery = z.object({
  attempt: z.coerce.number().int().min(1).max(50),
  try: z.coerce.number().int().min(1).max(2).default(1),
});
const Sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`));
const GatherBody = z.object({
  CallSid: Sid('CA'),
  Digits: z.string().max(20).optional(),
  SpeechResult: z.string().max(500).optional(),
});
const CallStatusBody = z.object({ CallSid: Sid('CA'), CallStatus: z.string().min(1).max(30) });
const RecordingStatusBody = z.object({
  CallSid: Sid('CA'),
  RecordingSid: Sid('RE'),
  RecordingUrl: z.url(),
  RecordingStatus: z.string().min(1).max(30),
  RecordingDuration: z.coerce.number().min(0).optional(),
});
const InboundSmsBody = z.object({
  MessageSid: Sid('(SM|MM)'),
  From: z.string().regex(/^\+[1-9]\d{4,14}$/),
  Body: z.string().max(1600).default(''),
});

type Handler = (req: Request, res: Response) => Promise<void>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

function sendTwiml(res: Response, twiml: { toString(): string }): void {
  res.status(200).type('text/xml').send(twiml.toString());
}

export function twilioContactRoutes(deps: TwilioContactDeps): Router {
  const { client, contactModels, logger } = deps;
  const r = Router();
  // The signature first (S4): an unverified request changes nothing, the token store included.
  const signed: RequestHandler[] = [
    express.urlencoded({ extended: false, limit: '64kb' }),
    verifyTwilioSignature(deps.authToken, deps.publicBaseUrl),
    deps.replay,
  ];

  /** Signals the workflow; a workflow that has finished no longer listens (logged, not an error). */
  async function signal<Args extends unknown[]>(
    workflowId: string,
    def: SignalDefinition<Args>,
    ...args: Args
  ): Promise<boolean> {
    try {
      await client.workflow.getHandle(workflowId).signal(def, ...args);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
        logger.info({ workflowId, signal: def.name }, 'contact no longer active');
        return false;
      }
      throw err;
    }
  }

  async function scriptFor(workflowId: string, attempt: number) {
    const call = await contactModels.ContactCall.findOne({ workflowId, attempt }).lean();
    if (!call) return undefined;
    return {
      script: callScript(call.purpose, call.language, call.message, call.record),
      language: call.language,
    };
  }

  function gather(
    vr: InstanceType<typeof twilio.twiml.VoiceResponse>,
    workflowId: string,
    attempt: number,
    tryNo: number,
    language: 'zh-CN' | 'en',
    prompt: string,
  ): void {
    const action = `${contactWebhookBase(deps.publicBaseUrl, workflowId)}/gather?attempt=${attempt}&try=${tryNo}`;
    const g = vr.gather({
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeout: 8,
      action,
      method: 'POST',
      actionOnEmptyResult: true,
      language: language === 'zh-CN' ? 'cmn-Hans-CN' : 'en-US',
    });
    g.say({ language: sayLanguage(language) }, prompt);
  }

  function ids(req: Request): { workflowId: string; attempt: number; tryNo: number } {
    const workflowId = WorkflowIdParam.parse(req.params.workflowId);
    const q = AttemptQuery.parse(req.query);
    return { workflowId, attempt: q.attempt, tryNo: q.try };
  }

  r.post(
    '/contact/:workflowId/twiml',
    signed,
    route(async (req, res) => {
      const { workflowId, attempt } = ids(req);
      const vr = new twilio.twiml.VoiceResponse();
      const found = await scriptFor(workflowId, attempt);
      if (!found) {
        logger.warn({ workflowId, attempt }, 'TwiML asked for an unknown call');
        vr.hangup();
        return sendTwiml(res, vr);
      }
      const { script, language } = found;
      const say = { language: sayLanguage(language) };
      if (script.recordingNotice) vr.say(say, script.recordingNotice);
      vr.say(say, script.message);
      gather(vr, workflowId, attempt, 1, language, script.prompt);
      sendTwiml(res, vr);
    }),
  );

  r.post(
    '/contact/:workflowId/gather',
    signed,
    route(async (req, res) => {
      const { workflowId, attempt, tryNo } = ids(req);
      const body = GatherBody.parse(req.body);
      const digits = body.Digits && body.Digits !== 'hangup' ? body.Digits : undefined;
      const speech = body.SpeechResult?.trim() || undefined;
      if (digits || speech) {
        const event: CallEventInput = {
          attempt,
          callSid: body.CallSid,
          kind: 'GATHER',
          ...(digits ? { digits } : {}),
          ...(speech ? { speech } : {}),
        };
        await signal(workflowId, callEventSignal, event);
      }
      const answer = digits ? answerFromDigits(digits) : parseCustomerAnswer(speech ?? '');
      const found = await scriptFor(workflowId, attempt);
      const language = found?.language ?? 'zh-CN';
      const script: CallScript = found?.script ?? callScript('FINAL_REPLY', language, '-', false);
      const say = { language: sayLanguage(language) };
      const vr = new twilio.twiml.VoiceResponse();
      if (answer === 'SATISFIED') vr.say(say, script.thanksSatisfied);
      else if (answer === 'NOT_SATISFIED') vr.say(say, script.thanksNotSatisfied);
      else if (tryNo < 2) {
        vr.say(say, script.reprompt);
        gather(vr, workflowId, attempt, tryNo + 1, language, script.prompt);
        return sendTwiml(res, vr);
      } else vr.say(say, script.goodbyeNoAnswer);
      vr.hangup();
      sendTwiml(res, vr);
    }),
  );

  r.post(
    '/contact/:workflowId/call-status',
    signed,
    route(async (req, res) => {
      const { workflowId, attempt } = ids(req);
      const body = CallStatusBody.parse(req.body);
      await signal(workflowId, callEventSignal, {
        attempt,
        callSid: body.CallSid,
        kind: 'STATUS',
        status: body.CallStatus,
      } satisfies CallEventInput);
      res.status(204).end();
    }),
  );

  r.post(
    '/contact/:workflowId/recording-status',
    signed,
    route(async (req, res) => {
      const { workflowId, attempt } = ids(req);
      const body = RecordingStatusBody.parse(req.body);
      await signal(workflowId, callEventSignal, {
        attempt,
        callSid: body.CallSid,
        kind: 'RECORDING',
        status: body.RecordingStatus,
        recording: {
          sid: body.RecordingSid,
          url: body.RecordingUrl,
          durationSec: body.RecordingDuration ?? 0,
        },
      } satisfies CallEventInput);
      res.status(204).end();
    }),
  );

  r.post(
    '/sms-inbound',
    signed,
    route(async (req, res) => {
      const body = InboundSmsBody.parse(req.body);
      const active = await contactModels.ActiveContact.findById(body.From).lean();
      if (active) {
        await signal(active.workflowId, smsReplySignal, {
          from: body.From,
          body: body.Body,
          messageSid: body.MessageSid,
        });
      } else {
        logger.info({ from: body.From, sid: body.MessageSid }, 'inbound SMS without an active contact');
      }
      // No automatic answer: the workflow decides whether to write back (e.g. a clarifying SMS).
      sendTwiml(res, new twilio.twiml.MessagingResponse());
    }),
  );

  return r;
}
