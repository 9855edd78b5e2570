// Every store of personal data (issue 22, S8), what it holds, which retention applies, and what the
// sweep and an erasure request do to it. docs/security.md is generated from this table (api/access-doc.ts);
// keep it in step with activities/privacy/erase.ts.
import type { ComplaintDataKind, OtherDataKind } from '../../domain/policy/retention';

export interface PersonalDataStore {
  store: string;
  holds: string;
  /** The retention (policy kind) that ends it; `none`: not personal after the others are done. */
  retention: ComplaintDataKind | OtherDataKind | 'fixed';
  /** What happens when the retention ends, or on an erasure request. */
  then: string;
}

export const PERSONAL_DATA_STORES: readonly PersonalDataStore[] = [
  {
    store: 'MongoDB `complaint_views`',
    holds:
      "the complaint's full view: numbers, IMEI, name, address, coordinates, description, notes, answers, evidence (IMSI/MSISDN)",
    retention: 'complaintPersonal',
    then: 'anonymised in place: personal fields and free text replaced by `[erased]`, personal-only keys dropped; ids, stages, times, clocks, cell, region, root cause and measures kept',
  },
  {
    store: 'MongoDB `complaints` (summary)',
    holds: "the callback number's hash (`callbackHash`) for the repeat check; the report fields",
    retention: 'complaintPersonal',
    then: 'the hash is dropped once the repeat window after closing has passed (at once on an erasure request); the report fields stay, so reports keep their figures',
  },
  {
    store: 'Temporal histories (complaint and contact workflows)',
    holds: 'inputs, activity results, queries: all personal fields, encrypted by the payload codec',
    retention: 'complaintPersonal',
    then: 'finished executions are deleted (DeleteWorkflowExecution: history, memo, search attributes); closed histories are also purged by the namespace retention (`temporalHistories`)',
  },
  {
    store: 'MongoDB `active_contacts`',
    holds: 'customer number → the contact workflow an inbound SMS belongs to',
    retention: 'complaintPersonal',
    then: 'deleted (normally already removed when the contact ends)',
  },
  {
    store: 'MongoDB `webhook_receipts`',
    holds: 'Twilio webhook answers (TwiML with the text said to the customer), 24 h',
    retention: 'complaintPersonal',
    then: "the complaint's contact receipts are deleted; the API prunes all receipts after 24 h anyway",
  },
  {
    store: 'MongoDB `evidence` + `evidence_media`, Twilio recordings',
    holds: 'recordings of reply calls (voice), their URL and call ids',
    retention: 'recordings',
    then: 'media deleted here and at the provider (DELETE Recordings); the evidence record keeps only its SHA-256, length and duration',
  },
  {
    store: 'MongoDB `signatures`, `signature_requests`',
    holds: "the customer's signature image; the signing link's token and text",
    retention: 'signatures',
    then: 'deleted',
  },
  {
    store: 'MongoDB `outbox`, `contact_calls`, `tmf_event_outbox`',
    holds:
      'SMS and e-mail recipients and texts; called numbers and call scripts; TMF621 events and work-order replies sent to the dispatching systems',
    retention: 'outboxBodies',
    then: 'recipients and texts replaced by `[erased]`; keys, states and provider ids kept',
  },
  {
    store: 'MongoDB `audit`',
    holds: 'detail texts (may quote notes) and IP addresses of audit entries',
    retention: 'auditDetails',
    then: 'detail and IP removed; the entry keeps its hash and the salted digest of the detail, and records who erased it and why; the chain still verifies',
  },
  {
    store: 'MongoDB `vip_profiles`',
    holds: 'VIP number, name, IMSI/IMEI, places, assistants',
    retention: 'vipProfiles',
    then: 'inactive profiles deleted after the retention (active ones are kept while the person is a VIP); deleted at once on an erasure request',
  },
  {
    store: 'MongoDB `privacy_exports`',
    holds: "a person's exported data (JSON)",
    retention: 'exports',
    then: 'deleted when it expires, and by a later erasure request for the same number',
  },
  {
    store: 'MongoDB `privacy_requests`',
    holds: 'the number a request is about',
    retention: 'fixed',
    then: 'kept only while the request runs; the finished request keeps its last two digits, reason and outcome',
  },
];
