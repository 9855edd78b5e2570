// Small helpers shared by the simulator modules: ids, dates, phone numbers.
import { randomBytes } from 'node:crypto';

export const API_VERSION = '2010-04-01';

/** Twilio resource SID: two-letter prefix + 32 lowercase hex digits. */
export function newSid(prefix: 'SM' | 'CA' | 'RE'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** RFC 2822 date as Twilio writes it: `Mon, 16 Aug 2010 03:45:01 +0000`. */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function rfc2822OrNull(d: Date | null): string | null {
  return d ? rfc2822(d) : null;
}

/** E.164 as the product validates it. */
const E164 = /^\+[1-9]\d{4,14}$/;
/** Alphanumeric sender id: 1-11 letters, digits or spaces, at least one letter. */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export function isPhoneNumber(s: string): boolean {
  return E164.test(s);
}

export function isSender(s: string): boolean {
  return E164.test(s) || ALPHANUMERIC_SENDER.test(s);
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const COUNTRY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['+852', 'HK'],
  ['+853', 'MO'],
  ['+886', 'TW'],
  ['+86', 'CN'],
  ['+44', 'GB'],
  ['+49', 'DE'],
  ['+33', 'FR'],
  ['+61', 'AU'],
  ['+81', 'JP'],
  ['+82', 'KR'],
  ['+65', 'SG'],
  ['+91', 'IN'],
  ['+1', 'US'],
];

/** ISO country of a number, from its calling code (best effort, '' when unknown). */
export function countryOf(number: string): string {
  for (const [prefix, country] of COUNTRY_PREFIXES) {
    if (number.startsWith(prefix)) return country;
  }
  return '';
}

/** `FromCity`, `FromState`, `FromZip`, `FromCountry` as Twilio adds them to webhooks. */
export function geoParams(prefix: string, number: string): Record<string, string> {
  return {
    [`${prefix}City`]: '',
    [`${prefix}State`]: '',
    [`${prefix}Zip`]: '',
    [`${prefix}Country`]: countryOf(number),
  };
}

const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

/** SMS segments: GSM-7 160/153 characters, otherwise UCS-2 70/67 code units. */
export function smsSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM7.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
