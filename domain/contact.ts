// Customer contact (R4.3, R5.5): the purposes of a contact, where its Twilio webhooks are, and the
// evidence a recorded call leaves. Shared by the contact workflow's contract (which re-exports
// them) and the contact activities.

export const CONTACT_PURPOSES = ['FIRST_REPLY', 'FINAL_REPLY', 'CARE_CALLBACK'] as const;

export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];

/** Base URL of the contact webhooks of a workflow (api/routes/twilio-contact.ts serves them). */
export function contactWebhookBase(publicBaseUrl: string, workflowId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/twilio/contact/${encodeURIComponent(workflowId)}`;
}

export interface RecordingEvidence {
  /** Evidence record id in MongoDB (`evidence` collection, insert-only). */
  id: string;
  sid: string;
  callSid: string;
  url: string;
  durationSec: number;
  /** SHA-256 (hex) of the recording media as downloaded. */
  sha256: string;
  bytes: number;
  capturedAt: string;
}
