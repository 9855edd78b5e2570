// How the customer is contacted (R4.3, R4.4): call attempts and their spacing, how long an SMS
// confirmation is waited for, the allowed hours. Policy data, not code; the complaint workflow may
// override any field per contact (e.g. a VIP policy with more attempts).
import { isDuration, parseDuration } from './durations';
import { isHhMm, type HoursWindow } from './quiet-hours';
import { frozen } from './frozen';

export interface ContactPolicy {
  /** Phone calls before falling back to SMS (busy, no answer, failed each use one). */
  callAttempts: number;
  /** Time between the end of one unanswered call and the next attempt, e.g. "30m". */
  callSpacing: string;
  /** How long the customer has to answer the confirmation SMS, e.g. "24h". */
  smsConfirmWait: string;
  /** Send one clarifying SMS for an answer that is neither yes nor no. */
  clarifyOnce: boolean;
  /** Local hours inside which the customer may be called or texted (default 08:00–21:00). */
  allowedHours: HoursWindow;
  /** Deadline for a placed call to end (final status from Twilio); then the attempt is TIMEOUT. */
  callTimeout: string;
  /** Deadline for the recording of an answered, recorded call; then it is looked up at Twilio. */
  recordingWait: string;
}

export const DEFAULT_CONTACT_POLICY: ContactPolicy = frozen({
  callAttempts: 3,
  callSpacing: '30m',
  smsConfirmWait: '24h',
  clarifyOnce: true,
  allowedHours: { from: '08:00', to: '21:00' },
  callTimeout: '15m',
  recordingWait: '5m',
});

/** Problems with a contact policy, as messages naming the field ([] = fine). */
export function checkContactPolicy(policy: ContactPolicy): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(policy.callAttempts) || policy.callAttempts < 0 || policy.callAttempts > 10)
    problems.push('callAttempts: must be an integer from 0 to 10');
  for (const key of ['callSpacing', 'smsConfirmWait', 'callTimeout', 'recordingWait'] as const) {
    const value = policy[key];
    if (typeof value !== 'string' || !isDuration(value) || parseDuration(value) <= 0)
      problems.push(`${key}: "${String(value)}" is not a positive duration such as 30m, 24h`);
  }
  if (!isHhMm(policy.allowedHours?.from ?? '')) problems.push('allowedHours.from: must be HH:MM');
  if (!isHhMm(policy.allowedHours?.to ?? '')) problems.push('allowedHours.to: must be HH:MM');
  return problems;
}
