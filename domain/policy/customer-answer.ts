// The customer's answer to "is the problem solved and are you satisfied?" (R4.3), from an SMS
// reply or a spoken answer: 1 / 是 / 满意 / yes, 2 / 否 / 不满意 / no, anything else is unclear.
// Pure code: no Temporal imports, safe for workflows.

export type CustomerAnswer = 'SATISFIED' | 'NOT_SATISFIED' | 'UNCLEAR';

/** Whole answers (after normalising) that mean yes. */
const YES = new Set([
  '1',
  '是',
  '是的',
  '对',
  '对的',
  '满意',
  '很满意',
  '非常满意',
  '好',
  '好的',
  '可以',
  '行',
  '已解决',
  '解决了',
  '已经解决',
  '已经解决了',
  '好了',
  '已经好了',
  '没问题',
  '没有问题',
  'y',
  'yes',
  'ok',
  'okay',
  'satisfied',
  'solved',
]);

/** Whole answers that mean no. */
const NO = new Set([
  '2',
  '否',
  '不',
  '不是',
  '不对',
  '不满意',
  '很不满意',
  '非常不满意',
  '不好',
  '不行',
  '没有',
  '没解决',
  '没有解决',
  '未解决',
  '还没解决',
  '还没有解决',
  '还没好',
  'n',
  'no',
  'not satisfied',
  'unsatisfied',
  'dissatisfied',
  'not solved',
]);

/** Words inside a longer reply that carry a no; checked before the yes words (不满意 contains 满意). */
const NO_WORDS =
  /不满意|不太满意|不是很满意|没(有)?解决|未解决|没(有)?好|还是不|仍然|依然|还有问题|不行|不好|not satisfied|unsatisfied|dissatisfied|not solved|\bno\b/;
/** Words inside a longer reply that carry a yes. */
const YES_WORDS =
  /满意|已解决|解决了|已经好了|好了|恢复了|恢复正常|正常了|没问题|\byes\b|\bsatisfied\b|\bsolved\b/;

/** Lower case, full-width → half-width (NFKC), without spaces, punctuation and polite particles. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim()
    .replace(/^(回复|答复|reply)\s*/, '')
    .replace(/(啊|呀|吧|呢|哦|的啦|啦|哈|谢谢|谢谢你|thanks|thank you)$/u, '')
    .trim();
}

/**
 * Reads a customer's reply. Exact short answers first (1, 2, 是, 否, 满意, 不满意, yes, no …),
 * then words inside a longer sentence; a reply that says both, or neither, is UNCLEAR.
 */
export function parseCustomerAnswer(text: string): CustomerAnswer {
  const norm = normaliseAnswer(text);
  if (norm === '') return 'UNCLEAR';
  const compact = norm.replace(/\s+/g, '');
  if (YES.has(norm) || YES.has(compact)) return 'SATISFIED';
  if (NO.has(norm) || NO.has(compact)) return 'NOT_SATISFIED';
  if (/^\d+$/.test(compact)) return 'UNCLEAR'; // 3, 12, a phone number …
  // A leading 1 or 2 followed by words: "1 满意了", "2 还是没信号".
  const lead = /^([12])(?!\d)/.exec(compact);
  const no = NO_WORDS.test(norm) || lead?.[1] === '2';
  // A yes word counts only where it is not part of a no phrase (不满意 contains 满意).
  const withoutNo = norm.replace(new RegExp(NO_WORDS.source, 'g'), ' ');
  const yes = YES_WORDS.test(withoutNo) || lead?.[1] === '1';
  if (no && !yes) return 'NOT_SATISFIED';
  if (yes && !no) return 'SATISFIED';
  return 'UNCLEAR';
}

/** The answer behind a DTMF key of the reply call: 1 = solved and satisfied, 2 = not. */
export function answerFromDigits(digits: string | undefined): CustomerAnswer {
  if (digits === '1') return 'SATISFIED';
  if (digits === '2') return 'NOT_SATISFIED';
  return 'UNCLEAR';
}
