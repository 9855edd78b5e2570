// VIP profiles (R7.1) in MongoDB, and the lookup the complaint workflow makes at intake (R7.2).
// Numbers are found by their keyed hash (HMAC, platform/lookup-hash.ts), so lookups never query by
// the number; the logger masks numbers, IMSI and IMEI wherever they appear.
//
// Identifiers at rest (S7): the number, name, IMSI, IMEI and the assistants' phone numbers and
// e-mail addresses are stored sealed with the payload keys (platform/field-cipher.ts). The model
// does it, so its users see clear values: writes through it (create/save, updateOne/updateMany/
// findOneAndUpdate) seal them and set `numberHash`; reads through it (find, findOne, lean or not)
// open them. Writes on the raw collection bypass this: only the migration makes them.
import mongoose, { Document, Schema, type Connection, type Model } from 'mongoose';
import { FieldCipher, fieldCipher } from '../platform/field-cipher';
import { numberHash, numberHashes } from '../platform/lookup-hash';
import { placesOfProfile, type VipPlaceRef } from '../domain/policy/vip-places';
import { modelOn } from './models';

export interface VipPlace {
  label: string;
  address?: string;
  coordinates?: { lat: number; lng: number };
  cellIds?: string[];
}

export interface VipAssistant {
  name: string;
  phone?: string;
  email?: string;
}

export interface VipProfileDoc {
  _id: string;
  numberHash: string;
  number: string;
  name?: string;
  imsi?: string;
  imei?: string;
  terminalModel?: string;
  vipLevel: number;
  office?: VipPlace;
  residence?: VipPlace;
  activityLocations: VipPlace[];
  assistants: VipAssistant[];
  active: boolean;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

const place = {
  label: String,
  address: String,
  coordinates: { lat: Number, lng: Number },
  cellIds: [String],
};

const vipSchema = new Schema<VipProfileDoc>(
  {
    _id: { type: String, required: true },
    numberHash: { type: String, required: true },
    number: { type: String, required: true },
    name: String,
    imsi: String,
    imei: String,
    terminalModel: String,
    vipLevel: { type: Number, required: true },
    office: place,
    residence: place,
    activityLocations: [place],
    assistants: [{ name: String, phone: String, email: String, _id: false }],
    active: Boolean,
    version: Number,
    updatedBy: String,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'vip_profiles' },
);
vipSchema.index({ numberHash: 1 }, { unique: true });

/** The profile's identifiers that are stored sealed (S7): top-level fields, then each assistant's. */
export const SEALED_PROFILE_FIELDS = ['number', 'name', 'imsi', 'imei'] as const;
export const SEALED_ASSISTANT_FIELDS = ['phone', 'email'] as const;

type Fields = Record<string, unknown>;

/** A document's own fields: a hydrated mongoose document keeps them in `_doc`. */
function fieldsOf(value: unknown): Fields | undefined {
  if (value instanceof Document) return (value as unknown as { _doc: Fields })._doc;
  return value !== null && typeof value === 'object' ? (value as Fields) : undefined;
}

/** Applies `fn` to each identifier present in `fields`, in place (assistants: each element's). */
function eachIdentifier(fields: Fields, fn: (value: string, field: string) => string): void {
  for (const f of SEALED_PROFILE_FIELDS) if (typeof fields[f] === 'string') fields[f] = fn(fields[f], f);
  if (!Array.isArray(fields.assistants)) return;
  for (const item of fields.assistants as unknown[]) {
    const a = fieldsOf(item);
    if (!a) continue;
    for (const f of SEALED_ASSISTANT_FIELDS) if (typeof a[f] === 'string') a[f] = fn(a[f], `assistants.${f}`);
  }
}

/**
 * A copy of profile fields (a document, or a `$set`) as stored: clear identifiers sealed with the
 * current key (sealed ones kept), and `numberHash` made from a clear number.
 */
export function sealedProfileFields<T extends object>(fields: T): T & { numberHash?: string } {
  const out: Fields = { ...(fields as Fields) };
  if (Array.isArray(out.assistants))
    out.assistants = out.assistants.map((a: unknown) => ({ ...fieldsOf(a) }));
  if (typeof out.number === 'string' && !FieldCipher.isSealed(out.number))
    out.numberHash = numberHash(out.number);
  const cipher = fieldCipher();
  eachIdentifier(out, (value, field) => (FieldCipher.isSealed(value) ? value : cipher.seal(value, field)));
  return out as T & { numberHash?: string };
}

/** Opens a stored profile's identifiers in place (a lean object or a hydrated document). */
export function openProfileFields(doc: unknown): void {
  const fields = fieldsOf(doc);
  if (!fields) return;
  const cipher = fieldCipher();
  eachIdentifier(fields, (value, field) => cipher.open(value, field));
}

vipSchema.pre('save', function () {
  const sealed = sealedProfileFields(this.toObject());
  for (const f of [...SEALED_PROFILE_FIELDS, 'numberHash', 'assistants'] as const)
    if (sealed[f] !== undefined) this.set(f, sealed[f]);
});

vipSchema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
  const update = this.getUpdate() as (Fields & { $set?: Fields }) | null;
  if (!update) return;
  // Fields outside an operator are a `$set` too; both are sealed, in new objects (never the caller's).
  const { $set, ...rest } = update;
  const plain = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('$')));
  const operators = Object.fromEntries(Object.entries(rest).filter(([k]) => k.startsWith('$')));
  this.setUpdate({
    ...operators,
    ...sealedProfileFields(plain),
    ...($set ? { $set: sealedProfileFields($set) } : {}),
  });
});

vipSchema.post(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete'], function (res: unknown) {
  for (const doc of Array.isArray(res) ? res : [res]) openProfileFields(doc);
});

export function vipModel(connection: Connection = mongoose.connection): Model<VipProfileDoc> {
  return modelOn<VipProfileDoc>(connection, 'VipProfile', vipSchema);
}

/** Finds the profile of a number under any accepted lookup key (during a rotation too). */
export function vipNumberFilter(number: string): { numberHash: { $in: string[] } } {
  return { numberHash: { $in: numberHashes(number) } };
}

/**
 * What the complaint workflow needs of a VIP: the level, whom to keep informed (R7.2), and what
 * locates the evidence (R7.5): the IMSI for the CHR and the places for an address-only complaint.
 */
export interface VipMatch {
  profileId: string;
  level: number;
  imsi?: string;
  assistants: VipAssistant[];
  /** Office, residence, usual places (absent in matches recorded before R7.5). */
  places?: VipPlaceRef[];
}

export interface VipActivities {
  lookupVip(input: { number: string }): Promise<VipMatch | null>;
}

export function createVipActivities(deps: { connection: Connection }): VipActivities {
  const Vip = vipModel(deps.connection);
  return {
    async lookupVip({ number }) {
      const doc = await Vip.findOne({ ...vipNumberFilter(number), active: true }).lean();
      if (!doc) return null;
      return {
        profileId: doc._id,
        level: doc.vipLevel,
        imsi: doc.imsi,
        assistants: doc.assistants ?? [],
        places: placesOfProfile(doc),
      };
    },
  };
}
