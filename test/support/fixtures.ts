// Test data: complaints as the intake API receives them.
import type { ComplaintInput } from '../../workflows/complaint/contract';

let counter = 0;
export function uniqueExternalId(prefix = 'T'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}`;
}

/** A distinct mobile number per complaint, so tests do not link unrelated complaints as repeats (R6.2). */
export function uniqueMobile(): string {
  counter += 1;
  const n = (Date.now() * 1000 + process.pid * 37 + counter) % 100_000_000;
  return `+86139${String(n).padStart(8, '0')}`;
}

export function intakeBody(over: Record<string, unknown> = {}) {
  const mobile = uniqueMobile();
  return {
    channel: 'EMOS',
    externalId: uniqueExternalId('EMOS'),
    category: 'DROPPED_CALLS',
    description: '家里室内信号差，打电话经常掉线，晚上尤其严重',
    location: { region: 'haidian', address: '北京市海淀区中关村大街1号', cellId: '460-00-12345-1' },
    occurrence: { since: '2026-11-20T08:00:00+08:00', frequency: 'DAILY', timeOfDay: '19:00-23:00' },
    terminal: { model: 'Huawei Mate 60' },
    numbers: { callback: mobile, calling: mobile },
    ...over,
  };
}

export function complaintInput(over: Partial<ComplaintInput> = {}): ComplaintInput {
  const externalId = over.externalId ?? uniqueExternalId('EMOS');
  return {
    ticketId: `EMOS-${externalId}`,
    channel: 'EMOS',
    externalId,
    category: 'DROPPED_CALLS',
    urgency: 'NORMAL',
    description: '家里室内信号差，打电话经常掉线',
    location: { region: 'haidian', address: '北京市海淀区中关村大街1号', cellId: '460-00-12345-1' },
    occurrence: { frequency: 'DAILY' },
    terminal: { model: 'Huawei Mate 60' },
    numbers: { callback: uniqueMobile() },
    customer: { vipLevel: 0, language: 'zh-CN' },
    receivedAt: new Date().toISOString(),
    submittedBy: 'emos-gateway',
    ...over,
  };
}

/**
 * A TMF621 v5 create body for a dropped-calls complaint, as a dispatching system sends it: its ticket
 * id with the owner system, the customer's callback number, the region and the serving cell.
 */
export function tmfTicketBody({
  externalId,
  owner = 'EMOS',
  callback = uniqueMobile(),
  cellId = '460-00-12345-1',
}: {
  externalId: string;
  owner?: string;
  callback?: string;
  cellId?: string;
}): Record<string, unknown> {
  return {
    '@type': 'TroubleTicket',
    description: '家里室内信号差，打电话经常掉线，晚上尤其严重',
    severity: 'Minor',
    ticketType: 'DROPPED_CALLS',
    externalIdentifier: [{ '@type': 'ExternalIdentifier', id: externalId, owner }],
    relatedParty: [
      {
        '@type': 'RelatedPartyRefOrPartyRoleRef',
        role: 'customer',
        partyOrPartyRole: {
          '@type': 'PartyRef',
          id: 'customer',
          contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: callback }],
        },
      },
    ],
    relatedEntity: [
      { '@type': 'RelatedEntity', role: 'region', entity: { '@type': 'EntityRef', id: 'haidian' } },
      { '@type': 'RelatedEntity', role: 'servingCell', entity: { '@type': 'EntityRef', id: cellId } },
    ],
    troubleTicketCharacteristic: [{ '@type': 'StringCharacteristic', name: 'frequency', value: 'DAILY' }],
  };
}

/** The final phone reply the customer accepts, as the TMF621 tests record it between resolve and close. */
export const finalPhoneReply = {
  kind: 'FINAL',
  method: 'PHONE',
  summary: '电话告知已恢复，客户确认',
  customerConfirmed: true,
  satisfied: true,
} as const;
