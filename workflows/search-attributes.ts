// Custom search attributes of ClosedLoop. Registered on the Temporal server at start
// (dev server: --search-attribute flags; test server: operatorService.addSearchAttributes).
// They hold no personal data: ids, stages, levels, regions only (S3).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TicketId = defineSearchAttributeKey('TicketId', SearchAttributeType.KEYWORD);
export const ExternalTicketId = defineSearchAttributeKey('ExternalTicketId', SearchAttributeType.KEYWORD);
export const ComplaintStage = defineSearchAttributeKey('ComplaintStage', SearchAttributeType.KEYWORD);
export const Channel = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const VipLevel = defineSearchAttributeKey('VipLevel', SearchAttributeType.INT);
export const Region = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
export const SlaBreached = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);
export const SlaState = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  TicketId,
  ExternalTicketId,
  ComplaintStage,
  Channel,
  VipLevel,
  Region,
  SlaBreached,
  SlaState,
] as const;

/** `Name=Type` pairs as the Temporal CLI's `--search-attribute` flag takes them. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = {
    KEYWORD: 'Keyword',
    INT: 'Int',
    BOOL: 'Bool',
    TEXT: 'Text',
    DOUBLE: 'Double',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  return ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${cliType[k.type] ?? 'Keyword'}`);
}
