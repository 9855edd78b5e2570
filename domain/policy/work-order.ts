// The work-order reply (工单回复, R4.6) must say something: what was checked, what was found, what
// was done, and why. This finds the parts of a structured reply that are missing or vague — empty,
// too short, one character repeated, or boilerplate that says nothing (已处理, 正常, ok, done …) —
// and says for each what is missing. Pure code: no Temporal imports, safe for workflows and the API.
import { frozen } from './frozen';

/** The parts of the structured reply: findings (checked, found) and resolution (summary, rootCause, actions). */
export const WORK_ORDER_PARTS = frozen(['checked', 'found', 'summary', 'rootCause', 'actions'] as const);
export type WorkOrderPart = (typeof WORK_ORDER_PARTS)[number];

export type Vagueness = 'missing' | 'empty' | 'repeated' | 'boilerplate' | 'tooShort';

export interface VaguePart {
  part: WorkOrderPart;
  problem: Vagueness;
  /** What is wrong and what the part must say instead (English, the zh-CN word quoted). */
  message: string;
}

/**
 * At least this many meaningful characters (letters and digits). A Chinese character counts as 2:
 * it carries about what a short English word does (弱覆盖 "weak coverage", 天馈故障 "antenna fault").
 */
export const MIN_MEANINGFUL = 6;

/** What each part has to say, for the message. */
const WANTED: Record<WorkOrderPart, string> = {
  checked: 'say what was checked (e.g. 话统、告警、割接记录、现场测试)',
  found: 'say what was found (e.g. 服务小区驻波比告警)',
  summary: 'say specifically what was done and what the result is',
  rootCause: 'name the root cause (e.g. 天馈跳线老化导致驻波比告警)',
  actions: 'say which actions were taken (e.g. 更换跳线并复测)',
};

/**
 * Words and phrases that say nothing on their own. A part made only of these (and of the filler
 * below, punctuation and spaces) is boilerplate. Longest first, so that 已处理完毕 goes as one.
 */
const BOILERPLATE_ZH = [
  '问题已解决',
  '问题已处理',
  '已处理完毕',
  '已处理完成',
  '已经处理',
  '已经解决',
  '处理完毕',
  '处理完成',
  '恢复正常',
  '一切正常',
  '没有问题',
  '没有异常',
  '无异常',
  '没问题',
  '已处理',
  '处理了',
  '已解决',
  '解决了',
  '已修复',
  '修复了',
  '已完成',
  '完成了',
  '已恢复',
  '恢复了',
  '已查',
  '查过',
  '已核查',
  '已检查',
  '检查了',
  '正常',
  '见上',
  '同上',
  '如上',
  '见附件',
  '暂无',
  '没有',
  '不详',
  '未知',
  '待定',
  '测试',
  '处理',
  '解决',
  '修复',
  '完成',
  '检查',
  '核查',
  '恢复',
  '无',
  '略',
];
/** Filler that adds nothing to boilerplate (问题已经解决了啊 is still 已解决). */
const FILLER_ZH = [
  '问题',
  '客户',
  '已经',
  '一切',
  '全部',
  '目前',
  '现在',
  '已',
  '了',
  '的',
  '均',
  '都',
  '好',
  '啊',
  '吧',
  '呢',
  '哦',
  '嗯',
  '过',
];
const BOILERPLATE_EN = [
  'see above',
  'same as above',
  'as above',
  'not applicable',
  'n/a',
  'no problem',
  'no issue',
  'no issues',
  'all good',
  'ok',
  'okay',
  'done',
  'fixed',
  'solved',
  'resolved',
  'handled',
  'processed',
  'completed',
  'complete',
  'checked',
  'normal',
  'fine',
  'good',
  'none',
  'nothing',
  'nil',
  'null',
  'na',
  'tbd',
  'todo',
  'test',
  'asdf',
  'yes',
  'no',
];
const FILLER_EN = [
  'it',
  'is',
  'was',
  'has',
  'have',
  'been',
  'all',
  'the',
  'a',
  'problem',
  'issue',
  'already',
  'now',
  'and',
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Latin words and phrases match whole words only ("ok" is not removed from "token"). */
const EN_PATTERN = new RegExp(
  `(?<![\\p{Script=Latin}\\p{N}])(?:${[...BOILERPLATE_EN, ...FILLER_EN]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})(?![\\p{Script=Latin}\\p{N}])`,
  'gu',
);
const ZH_PATTERN = new RegExp(
  [...BOILERPLATE_ZH, ...FILLER_ZH]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|'),
  'gu',
);
const NOT_MEANINGFUL = /[^\p{L}\p{N}]/gu;
const HAN = /\p{Script=Han}/u;

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** The letters and digits of a text, lower-cased (punctuation, spaces and symbols dropped). */
function meaningfulChars(text: string): string[] {
  return [...normalise(text).replace(NOT_MEANINGFUL, '')];
}

/** Meaningful characters, a Chinese character counting as 2. */
export function meaningfulLength(text: string): number {
  return meaningfulChars(text).reduce((n, c) => n + (HAN.test(c) ? 2 : 1), 0);
}

/** True when nothing is left once the boilerplate, the filler and the punctuation are taken out. */
function isBoilerplate(text: string): boolean {
  const rest = normalise(text).replace(EN_PATTERN, ' ').replace(ZH_PATTERN, ' ').replace(NOT_MEANINGFUL, '');
  return rest.length === 0;
}

/** One unit of 1–4 characters repeated (aaaa, 哈哈哈, 测试测试, 123123, asdfasdf). */
function isRepeated(chars: string[]): boolean {
  if (chars.length < 2) return false;
  for (let unit = 1; unit <= 4 && unit * 2 <= chars.length; unit += 1) {
    if (chars.length % unit !== 0) continue;
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/** What is wrong with one part of the reply, or undefined when it says something. */
export function vaguenessOf(text: string | undefined | null): Vagueness | undefined {
  if (text === undefined || text === null) return 'missing';
  const chars = meaningfulChars(text);
  if (chars.length === 0) return 'empty';
  if (isBoilerplate(text)) return 'boilerplate';
  if (isRepeated(chars)) return 'repeated';
  if (meaningfulLength(text) < MIN_MEANINGFUL) return 'tooShort';
  return undefined;
}

function quote(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return `"${t.length > 20 ? `${t.slice(0, 20)}…` : t}"`;
}

function describe(part: WorkOrderPart, problem: Vagueness, text: string | undefined | null): string {
  const wanted = WANTED[part];
  switch (problem) {
    case 'missing':
      return `missing: ${wanted} (R4.6)`;
    case 'empty':
      return `empty: ${wanted} (R4.6)`;
    case 'boilerplate':
      return `too vague, ${quote(text ?? '')} says nothing: ${wanted} (R4.6)`;
    case 'repeated':
      return `too vague, ${quote(text ?? '')} only repeats itself: ${wanted} (R4.6)`;
    case 'tooShort':
      return `too short (${meaningfulLength(text ?? '')} of at least ${MIN_MEANINGFUL} meaningful characters; a Chinese character counts as 2): ${wanted} (R4.6)`;
  }
}

/**
 * The missing or vague parts of a structured work-order reply, in the order of `parts` (default:
 * the parts present in `reply`). Empty when every part says something.
 */
export function vagueParts(
  reply: Partial<Record<WorkOrderPart, string | undefined | null>>,
  parts: readonly WorkOrderPart[] = WORK_ORDER_PARTS.filter((p) => p in reply),
): VaguePart[] {
  const out: VaguePart[] = [];
  for (const part of parts) {
    const text = reply[part];
    const problem = vaguenessOf(text);
    if (problem) out.push({ part, problem, message: describe(part, problem, text) });
  }
  return out;
}
