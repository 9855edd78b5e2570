// troubleTicketSpecification (read-only): one specification per complaint category, with the
// characteristics a create takes. The categories are the product's vocabulary (workflows contract);
// a ticket's `ticketType` and `troubleTicketSpecification.id` are the category.
import { CATEGORIES, type Category } from '../../workflows/complaint/contract';
import type { CHARACTERISTICS } from './create';
import { TMF_BASE } from './ticket';

const DESCRIPTIONS: Record<Category, string> = {
  NO_SIGNAL: 'No signal (无信号): the terminal finds no network where it should',
  WEAK_SIGNAL: 'Weak signal (信号弱): coverage is poor, calls and data suffer',
  DROPPED_CALLS: 'Dropped calls (掉话): calls end by themselves',
  CALL_SETUP_FAILURE: 'Call setup failure (呼叫不通): calls do not connect',
  VOICE_QUALITY: 'Voice quality (通话质量差): noise, one-way audio, choppy voice',
  SLOW_DATA: 'Slow data (网速慢): mobile data is slow',
  NO_DATA: 'No data (无法上网): mobile data does not work',
  OTHER: 'Other network problems (其他)',
};

/** What each characteristic of a create holds. */
const CHARACTERISTIC_SPECS: Record<(typeof CHARACTERISTICS)[number], [string, string, boolean]> = {
  callbackNumber: [
    'string',
    'number to call the customer back on (E.164), unless given as relatedParty',
    false,
  ],
  callingNumber: ['string', 'calling number of a failed call (E.164)', false],
  calledNumber: ['string', 'called number of a failed call (E.164)', false],
  frequency: ['string', 'ALWAYS, DAILY, INTERMITTENT or ONCE', true],
  occurrenceSince: ['string', 'since when (ISO 8601 date-time with offset)', false],
  timeOfDay: ['string', 'when in the day it happens', false],
  terminalModel: ['string', "the customer's terminal", false],
  imei: ['string', 'IMEI, 15 digits', false],
  vipLevel: ['integer', 'VIP level 0–5 (recognised by the callback number as well)', false],
  language: ['string', 'zh-CN or en', false],
  contactWindow: [
    'string',
    'when the customer can be reached (R4.8): "[DAYS ]HH:MM-HH:MM Area/City", e.g. "MON-FRI 09:00-18:00 Asia/Shanghai"',
    false,
  ],
  appointment: [
    'string',
    'a time agreed with the customer for the call (R4.8): "FROM/TO Area/City", ISO 8601 instants with offsets',
    false,
  ],
};

const CREATED = '2026-01-01T00:00:00.000Z';

export function specificationOf(category: Category): Record<string, unknown> {
  return {
    '@type': 'TroubleTicketSpecification',
    id: category,
    href: `${TMF_BASE}/troubleTicketSpecification/${category}`,
    name: category,
    description: DESCRIPTIONS[category],
    lifecycleStatus: 'active',
    version: '1',
    creationDate: CREATED,
    lastUpdate: CREATED,
    specCharacteristic: Object.entries(CHARACTERISTIC_SPECS).map(
      ([name, [valueType, description, required]]) => ({
        '@type': 'CharacteristicSpecification',
        id: name,
        name,
        valueType,
        description,
        configurable: true,
        minCardinality: required ? 1 : 0,
        maxCardinality: 1,
      }),
    ),
  };
}

export const SPECIFICATIONS = CATEGORIES.map(specificationOf);

export function specificationById(id: string): Record<string, unknown> | undefined {
  return SPECIFICATIONS.find((s) => s.id === id);
}
