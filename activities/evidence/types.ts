// The evidence activities' interface, which workflow code imports as a type for proxyActivities.
// The records, the bundle and the hypotheses it speaks of are domain types (domain/evidence.ts),
// re-exported here for the callers of the activities.
import type {
  Alarm,
  CellLocation,
  ChangeEvent,
  ChrRecord,
  ComplaintLocation,
  EvidenceQuery,
  InterferenceSample,
  KpiSample,
} from '../../domain/evidence';
import type { VipPlaceRef } from '../../domain/policy/vip-places';

export * from '../../domain/evidence';

/** The evidence activities (createEvidenceActivities); each throws on failure so Temporal retries. */
export interface EvidenceActivities {
  /** `vipPlaces`: a VIP profile's places, used when the location has neither cell nor coordinates (R7.5). */
  locateCells(location: ComplaintLocation, vipPlaces?: VipPlaceRef[]): Promise<CellLocation>;
  evidenceKpis(q: EvidenceQuery): Promise<KpiSample[]>;
  evidenceAlarms(q: EvidenceQuery): Promise<Alarm[]>;
  evidenceChanges(q: EvidenceQuery): Promise<ChangeEvent[]>;
  evidenceInterference(q: EvidenceQuery): Promise<InterferenceSample[]>;
  evidenceChr(q: EvidenceQuery): Promise<ChrRecord[]>;
}
