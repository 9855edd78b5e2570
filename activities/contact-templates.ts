// What the customer hears and reads in a contact round (R4.3, R6.1, R8.4): the reply call script,
// the confirmation SMS, the clarifying SMS, the notice SMS and the care-callback script. zh-CN
// first (the operator's customers), English on request. Pure functions: the API renders the TwiML
// from them, the activities the SMS.
import type { ContactPurpose } from '../domain/contact';
import type { ContactSmsTemplate, SmsPurpose } from './contact-types';

export type Language = 'zh-CN' | 'en';

/** The longest reply summary put into an SMS (Twilio allows 1600 characters in all). */
const SMS_MESSAGE_MAX = 500;

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Drops one final full stop so that "{message}。" never ends in "。。". */
function sentence(text: string, language: Language): string {
  const t = text.trim().replace(/[。.!！]+$/u, '');
  return language === 'zh-CN' ? `${t}。` : `${t}.`;
}

export interface CallScript {
  /** Said before anything else when the call is recorded (the customer consented beforehand). */
  recordingNotice?: string;
  /** Greeting and the reply itself. */
  message: string;
  /** The question inside <Gather numDigits="1">. */
  prompt: string;
  /** Said when no key or another key was pressed, before the prompt is repeated once. */
  reprompt: string;
  /** After key 1. */
  thanksSatisfied: string;
  /** After key 2. */
  thanksNotSatisfied: string;
  /** When no usable key came after the repeat: we will follow up by SMS. */
  goodbyeNoAnswer: string;
}

const ZH = {
  notice: '您好，为保证服务质量，本次通话将被录音。',
  intro: {
    FIRST_REPLY: '您好，这里是网络投诉处理中心，关于您反映的网络问题，现向您说明处理情况：',
    FINAL_REPLY: '您好，这里是网络投诉处理中心，关于您反映的网络问题，处理结果如下：',
    CARE_CALLBACK: '您好，这里是网络投诉处理中心的关怀回访。您之前反映的网络问题已经处理：',
  } satisfies Record<ContactPurpose, string>,
  prompt: {
    FIRST_REPLY: '如您已了解以上情况并认可目前的处理，请按1；如有疑问或不满意，请按2。',
    FINAL_REPLY: '如果问题已经解决并且您对处理结果满意，请按1；如果问题没有解决或者您不满意，请按2。',
    CARE_CALLBACK: '请问问题是否已经彻底解决？已经解决请按1；问题仍然存在请按2。',
  } satisfies Record<ContactPurpose, string>,
  reprompt: '抱歉，没有收到有效的按键。',
  thanksSatisfied: '感谢您的确认，祝您生活愉快，再见。',
  thanksNotSatisfied: '我们已记录您的意见，将继续跟进处理并尽快与您联系，再见。',
  goodbyeNoAnswer: '我们稍后会以短信方式与您确认，感谢您的接听，再见。',
};

const EN = {
  notice: 'Hello. This call is recorded to ensure the quality of our service.',
  intro: {
    FIRST_REPLY:
      'Hello, this is the network complaints centre with an update on the network problem you reported: ',
    FINAL_REPLY: 'Hello, this is the network complaints centre about the network problem you reported: ',
    CARE_CALLBACK:
      'Hello, this is the network complaints centre following up on the network problem you reported, which has been fixed: ',
  } satisfies Record<ContactPurpose, string>,
  prompt: {
    FIRST_REPLY:
      'If you understand this and accept how we are handling it, press 1. If you have questions or are not satisfied, press 2.',
    FINAL_REPLY:
      'If the problem is solved and you are satisfied, press 1. If it is not solved or you are not satisfied, press 2.',
    CARE_CALLBACK: 'Is the problem still solved? If yes, press 1. If the problem is back, press 2.',
  } satisfies Record<ContactPurpose, string>,
  reprompt: 'Sorry, we did not get a valid key.',
  thanksSatisfied: 'Thank you for confirming. Goodbye.',
  thanksNotSatisfied: 'We have noted your answer and will follow up with you soon. Goodbye.',
  goodbyeNoAnswer: 'We will confirm with you by text message. Thank you, goodbye.',
};

/** The script of a reply call or care callback in the customer's language. */
export function callScript(
  purpose: ContactPurpose,
  language: Language,
  message: string,
  recorded: boolean,
): CallScript {
  const t = language === 'zh-CN' ? ZH : EN;
  return {
    ...(recorded ? { recordingNotice: t.notice } : {}),
    message: t.intro[purpose] + sentence(message, language),
    prompt: t.prompt[purpose],
    reprompt: t.reprompt,
    thanksSatisfied: t.thanksSatisfied,
    thanksNotSatisfied: t.thanksNotSatisfied,
    goodbyeNoAnswer: t.goodbyeNoAnswer,
  };
}

/** The `<Say language>` for the customer's language. */
export function sayLanguage(language: Language): 'zh-CN' | 'en-US' {
  return language === 'zh-CN' ? 'zh-CN' : 'en-US';
}

type Vars = Record<string, string>;

const SMS: Record<ContactSmsTemplate, Record<Language, (p: SmsPurpose, v: Vars) => string>> = {
  // On-site test appointment (R3.3): the customer picks a slot by replying with its number.
  onSiteSlots: {
    'zh-CN': (_p, v) =>
      `【上门测试预约】您好，为查明您反映的网络问题（工单号 ${v.ticketId}），我们的测试工程师需要到现场测试。可选时间：${v.slots}。请回复序号选择时间；如不需要上门，请回复0。`,
    en: (_p, v) =>
      `[On-site test] To find the cause of the problem you reported (${v.ticketId}) our engineer would test on site. Times: ${v.slots}. Reply with the number of the time you prefer, or 0 if you do not want a visit.`,
  },
  onSiteBooked: {
    'zh-CN': (_p, v) =>
      `【上门测试预约】已为您预约 ${v.slot}，测试工程师 ${v.engineer} 将按时到达（工单号 ${v.ticketId}）。我们不会在其他时间上门打扰。`,
    en: (_p, v) =>
      `[On-site test] Booked for ${v.slot}; engineer ${v.engineer} will come then (${v.ticketId}). We will not visit at any other time.`,
  },
  contactConfirm: {
    'zh-CN': (p, v) =>
      p === 'CARE_CALLBACK'
        ? `【关怀回访】您好，您之前反映的网络问题（工单号 ${v.ticketId}）已处理：${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'zh-CN')}如问题已彻底解决，请回复1（或"是"）；如问题仍然存在，请回复2（或"否"）。`
        : `【网络投诉回复】您好，关于您的投诉（工单号 ${v.ticketId}）：${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'zh-CN')}如问题已解决且您满意，请回复1（或"满意"）；如未解决或不满意，请回复2（或"不满意"）。`,
    en: (p, v) =>
      p === 'CARE_CALLBACK'
        ? `[Follow-up] About the network problem you reported (${v.ticketId}), which has been fixed: ${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'en')} Reply 1 (yes) if it is still solved, 2 (no) if the problem is back.`
        : `[Complaint reply] About your complaint ${v.ticketId}: ${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'en')} Reply 1 (yes) if it is solved and you are satisfied, 2 (no) if not.`,
  },
  // A notice (SMS_NOTICE, R8.4): it informs and asks nothing — no question, no reply request. The
  // holding notice of a mass incident says the fault is being repaired and that the customer will
  // be told when it is fixed (workflows/complaint/incident.ts); the answer is asked for with the
  // final reply.
  contactNotice: {
    'zh-CN': (_p, v) =>
      `【网络投诉进展】工单号 ${v.ticketId}：${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'zh-CN')}`,
    en: (_p, v) =>
      `[Complaint update] ${v.ticketId}: ${sentence(clip(v.message ?? '', SMS_MESSAGE_MAX), 'en')}`,
  },
  contactClarify: {
    'zh-CN': (p, v) =>
      p === 'CARE_CALLBACK'
        ? `【关怀回访】抱歉，我们没能确认您的回复（工单号 ${v.ticketId}）。问题已彻底解决请回复1或"是"，问题仍然存在请回复2或"否"。`
        : `【网络投诉回复】抱歉，我们没能确认您的回复（工单号 ${v.ticketId}）。问题已解决且满意请回复1或"满意"，未解决或不满意请回复2或"不满意"。`,
    en: (p, v) =>
      p === 'CARE_CALLBACK'
        ? `[Follow-up] Sorry, we could not read your answer (${v.ticketId}). Reply 1 if the problem is still solved, 2 if it is back.`
        : `[Complaint reply] Sorry, we could not read your answer (${v.ticketId}). Reply 1 if solved and satisfied, 2 if not.`,
  },
};

export function renderContactSms(
  template: ContactSmsTemplate,
  language: Language,
  purpose: SmsPurpose,
  vars: Vars,
): string {
  return SMS[template][language](purpose, vars);
}
