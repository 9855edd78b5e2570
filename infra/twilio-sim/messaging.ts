// SMS: outbound delivery with status callbacks, scripted customer replies, inbound webhooks and
// <Message> replies from the inbound webhook's TwiML.
import { customerFor, type SimContext } from './context';
import { sleep } from './lifecycle';
import type { MessageDirection, MessageRecord, MessageStatus } from './types';
import { API_VERSION, errorMessage, geoParams, isHttpUrl, newSid, smsSegments } from './util';
import { isElement, parseXml, textContent, type XmlElement } from './xml';

export interface OutboundMessageInput {
  from: string;
  to: string;
  body: string;
  statusCallback: string | null;
  messagingServiceSid: string | null;
  direction: Exclude<MessageDirection, 'inbound'>;
  apiBaseUrl: string;
}

export interface InboundMessageInput {
  from: string;
  to: string;
  body: string;
  apiBaseUrl: string;
}

const ERROR_MESSAGES: Record<number, string> = {
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30008: 'Unknown error',
};

export class Messaging {
  constructor(private readonly ctx: SimContext) {}

  /** Accepts an outbound message (status queued) and delivers it in the background. */
  send(input: OutboundMessageInput): MessageRecord {
    const now = new Date();
    const msg: MessageRecord = {
      sid: newSid('SM'),
      accountSid: this.ctx.accountSid,
      direction: input.direction,
      from: input.from,
      to: input.to,
      body: input.body,
      status: 'queued',
      numSegments: smsSegments(input.body),
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      errorCode: null,
      errorMessage: null,
      statusCallback: input.statusCallback,
      messagingServiceSid: input.messagingServiceSid,
      apiBaseUrl: input.apiBaseUrl,
    };
    this.ctx.state.messages.set(msg.sid, msg);
    this.ctx.lifecycle.spawn(`delivery of ${msg.sid}`, (signal) => this.deliver(msg, signal));
    return msg;
  }

  /** A customer texts one of our numbers: stored, then posted to the number's SmsUrl. */
  receive(input: InboundMessageInput): MessageRecord {
    const now = new Date();
    const msg: MessageRecord = {
      sid: newSid('SM'),
      accountSid: this.ctx.accountSid,
      direction: 'inbound',
      from: input.from,
      to: input.to,
      body: input.body,
      status: 'received',
      numSegments: smsSegments(input.body),
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      errorCode: null,
      errorMessage: null,
      statusCallback: null,
      messagingServiceSid: null,
      apiBaseUrl: input.apiBaseUrl,
    };
    this.ctx.state.messages.set(msg.sid, msg);
    this.ctx.lifecycle.spawn(`inbound webhook of ${msg.sid}`, (signal) => this.postInbound(msg, signal));
    return msg;
  }

  private async deliver(msg: MessageRecord, signal: AbortSignal): Promise<void> {
    const customer = customerFor(this.ctx, msg.to);
    const outcome = customer.invalid ? 'undelivered' : customer.smsDelivery;
    const defaultCode = customer.invalid ? 30005 : outcome === 'failed' ? 30008 : 30003;
    const errorCode = customer.smsErrorCode ?? defaultCode;
    const step = this.ctx.stepDelayMs;

    await sleep(step, signal);
    if (outcome === 'failed') {
      await this.update(msg, 'failed', signal, errorCode);
      return;
    }
    msg.dateSent = new Date();
    await this.update(msg, 'sent', signal);
    await sleep(step, signal);
    if (outcome === 'undelivered') {
      await this.update(msg, 'undelivered', signal, errorCode);
      return;
    }
    await this.update(msg, 'delivered', signal);

    const reply = customer.smsReply;
    const replies = this.ctx.state.customerReplies;
    if (reply && msg.direction !== 'outbound-reply' && (replies.get(msg.to) ?? 0) < reply.maxReplies) {
      replies.set(msg.to, (replies.get(msg.to) ?? 0) + 1);
      await sleep(reply.afterMs, signal);
      this.receive({ from: msg.to, to: msg.from, body: reply.body, apiBaseUrl: msg.apiBaseUrl });
    }
  }

  private async update(
    msg: MessageRecord,
    status: MessageStatus,
    signal: AbortSignal,
    errorCode: number | null = null,
  ): Promise<void> {
    msg.status = status;
    msg.dateUpdated = new Date();
    if (errorCode !== null) {
      msg.errorCode = errorCode;
      msg.errorMessage = ERROR_MESSAGES[errorCode] ?? 'Message delivery failed';
    }
    if (!msg.statusCallback) return;
    const params: Record<string, string> = {
      AccountSid: msg.accountSid,
      ApiVersion: API_VERSION,
      From: msg.from,
      MessageSid: msg.sid,
      MessageStatus: status,
      SmsSid: msg.sid,
      SmsStatus: status,
      To: msg.to,
    };
    if (errorCode !== null) params.ErrorCode = String(errorCode);
    if (msg.messagingServiceSid) params.MessagingServiceSid = msg.messagingServiceSid;
    await this.ctx.webhooks.send(
      { kind: 'message-status', resourceSid: msg.sid, url: msg.statusCallback, method: 'POST', params },
      signal,
    );
  }

  private async postInbound(msg: MessageRecord, signal: AbortSignal): Promise<void> {
    const number = this.ctx.state.numbers.get(msg.to);
    if (!number?.smsUrl) {
      this.ctx.log(
        `inbound SMS ${msg.sid} to ${msg.to}: no smsUrl configured (PUT /_sim/numbers/...), stored only`,
      );
      return;
    }
    const params: Record<string, string> = {
      AccountSid: msg.accountSid,
      ApiVersion: API_VERSION,
      Body: msg.body,
      From: msg.from,
      MessageSid: msg.sid,
      NumMedia: '0',
      NumSegments: String(msg.numSegments),
      SmsMessageSid: msg.sid,
      SmsSid: msg.sid,
      SmsStatus: 'received',
      To: msg.to,
      ...geoParams('From', msg.from),
      ...geoParams('To', msg.to),
    };
    const res = await this.ctx.webhooks.send(
      { kind: 'inbound-sms', resourceSid: msg.sid, url: number.smsUrl, method: number.smsMethod, params },
      signal,
    );
    if (res.ok) this.runMessagingTwiml(res.body, msg);
  }

  /** Sends the <Message> replies of a messaging TwiML response (other verbs are ignored). */
  private runMessagingTwiml(body: string, inbound: MessageRecord): void {
    if (body.trim() === '') return;
    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch (err) {
      this.ctx.log(`inbound SMS ${inbound.sid}: 12100 Document parse failure: ${errorMessage(err)}`);
      return;
    }
    if (root.name !== 'Response') {
      this.ctx.log(`inbound SMS ${inbound.sid}: 12100 root element is <${root.name}>, expected <Response>`);
      return;
    }
    for (const verb of root.children.filter(isElement)) {
      if (verb.name !== 'Message') {
        this.ctx.log(`inbound SMS ${inbound.sid}: messaging TwiML verb <${verb.name}> is not simulated`);
        continue;
      }
      const bodyEl = verb.children.filter(isElement).find((c) => c.name === 'Body');
      const text = (bodyEl ? textContent(bodyEl) : textContent(verb)).trim();
      if (!text) continue;
      const action = verb.attrs.action ?? verb.attrs.statusCallback;
      this.send({
        from: verb.attrs.from ?? inbound.to,
        to: verb.attrs.to ?? inbound.from,
        body: text,
        statusCallback: action && isHttpUrl(action) ? action : null,
        messagingServiceSid: null,
        direction: 'outbound-reply',
        apiBaseUrl: inbound.apiBaseUrl,
      });
    }
  }
}
