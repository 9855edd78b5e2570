// Inputs and outputs of the TMF621 event activities (issue 19, T3, T4), shared with the complaint
// workflow as types only.
import type { TicketEvent } from '../domain/tmf/events';

export type { TicketEvent } from '../domain/tmf/events';

/** How one event went: its outbox rows (one per matching hub, one for an HTTP work-order reply). */
export interface PublishTicketEventResult {
  /** hubs whose query matched the event */
  hubs: number;
  delivered: number;
  /** the hubs whose row became DEAD after the last attempt */
  dead: string[];
  /** the work-order reply the event carried, when the ticket's channel takes one */
  reply?: { sent: boolean; via: 'hub' | 'http'; detail: string };
}

export interface TmfEventActivities {
  /**
   * Writes one outbox row per matching hub (`<eventId>:<hubId>`; an HTTP work-order reply: its key)
   * and posts the rows not delivered yet. Throws (Temporal retries with backoff) while a row fails,
   * until the configured last attempt, which marks the failing rows DEAD and returns.
   */
  publishTicketEvent(event: TicketEvent): Promise<PublishTicketEventResult>;
}
