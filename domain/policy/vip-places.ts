// The VIP profile's places used to locate (R7.5): a VIP complaint that gives only an address is
// located through the profile's office, residence and usual places (their cells, else their
// coordinates), and a guarantee area can be made from the same places (R7.3). Pure: the evidence
// activity and the API call the same code.

/** What a VIP's profile adds to the evidence of their complaint (R7.5). */
export interface VipLocator {
  /** Read from the CHR beside the number. */
  imsi?: string;
  places: VipPlaceRef[];
}

/** Which of the profile's places. */
export type VipPlaceKind = 'office' | 'residence' | 'usual';

/** One place of a VIP profile (activities/vip.ts VipPlace fits) with its kind. */
export interface VipPlaceRef {
  kind: VipPlaceKind;
  label: string;
  address?: string;
  coordinates?: { lat: number; lng: number };
  cellIds?: string[];
}

/** The places of a profile in the order they are tried: office, residence, then the usual places. */
export function placesOfProfile(profile: {
  office?: Omit<VipPlaceRef, 'kind'>;
  residence?: Omit<VipPlaceRef, 'kind'>;
  activityLocations?: Omit<VipPlaceRef, 'kind'>[];
}): VipPlaceRef[] {
  const strip = (p: Omit<VipPlaceRef, 'kind'>, kind: VipPlaceKind): VipPlaceRef => ({
    kind,
    label: p.label,
    ...(p.address ? { address: p.address } : {}),
    ...(p.coordinates ? { coordinates: { lat: p.coordinates.lat, lng: p.coordinates.lng } } : {}),
    ...(p.cellIds?.length ? { cellIds: [...p.cellIds] } : {}),
  });
  return [
    ...(profile.office ? [strip(profile.office, 'office')] : []),
    ...(profile.residence ? [strip(profile.residence, 'residence')] : []),
    ...(profile.activityLocations ?? []).map((p) => strip(p, 'usual')),
  ];
}

/** A place that can be located: it names cells or has coordinates. */
export const locatable = (p: VipPlaceRef): boolean => !!p.cellIds?.length || !!p.coordinates;

/** Letters and digits only, lower case: '北京市 西城区，正义路2号' → '北京市西城区正义路2号'. */
export function normaliseAddress(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * True when the complaint's address names the place: one address contains the other, or the
 * address contains the place's label (e.g. the building's name). Labels shorter than two
 * characters, or generic kinds such as 'office', never match on their own.
 */
export function addressMatches(address: string, place: VipPlaceRef): boolean {
  const a = normaliseAddress(address);
  if (!a) return false;
  const pa = place.address ? normaliseAddress(place.address) : '';
  if (pa && (a.includes(pa) || pa.includes(a))) return true;
  const label = normaliseAddress(place.label);
  const generic = ['office', 'residence', 'home', '办公室', '住所', '家', '住宅'];
  return label.length >= 2 && !generic.includes(label) && a.includes(label);
}

export interface PlaceChoice {
  /** The places to locate from, best first (only locatable ones). */
  places: VipPlaceRef[];
  /** True when the address named one of them; false = every locatable place is used. */
  matched: boolean;
}

/**
 * The places an address-only VIP complaint is located from: those the address names; when it
 * names none, every locatable place (the complaint may be about any of them).
 */
export function placesForAddress(address: string | undefined, places: readonly VipPlaceRef[]): PlaceChoice {
  const usable = places.filter(locatable);
  const named = address ? usable.filter((p) => addressMatches(address, p)) : [];
  return named.length ? { places: named, matched: true } : { places: usable, matched: false };
}

/** What a place is called in messages, e.g. '办公室 office「市政府大楼」'. */
export function placeName(p: VipPlaceRef): string {
  const kind = { office: '办公室 office', residence: '住所 residence', usual: '常去地点 usual place' }[
    p.kind
  ];
  return `${kind}「${p.label}」`;
}

/** Picks places of a profile by kind or label (`office`, `residence`, or a label); none = all. */
export function selectPlaces(
  places: readonly VipPlaceRef[],
  wanted: readonly string[] | undefined,
): { places: VipPlaceRef[]; unknown: string[] } {
  if (!wanted?.length) return { places: [...places], unknown: [] };
  const picked: VipPlaceRef[] = [];
  const unknown: string[] = [];
  for (const w of wanted) {
    const found = places.filter((p) => p.kind === w || p.label === w);
    if (found.length === 0) unknown.push(w);
    for (const p of found) if (!picked.includes(p)) picked.push(p);
  }
  return { places: picked, unknown };
}
