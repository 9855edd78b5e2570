// VIP profiles (R7.1) in MongoDB, and the lookup the complaint workflow makes at intake (R7.2).
// Numbers are found by a keyed hash (activities/repeat.ts), so lookups never query by the number;
// the logger masks numbers, IMSI and IMEI wherever they appear.
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './models';
import { numberHash } from './repeat';

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

export function vipModel(connection: Connection = mongoose.connection): Model<VipProfileDoc> {
  return modelOn<VipProfileDoc>(connection, 'VipProfile', vipSchema);
}

/** What the complaint workflow needs of a VIP: the level, and whom to keep informed (R7.2). */
export interface VipMatch {
  profileId: string;
  level: number;
  imsi?: string;
  assistants: VipAssistant[];
}

export interface VipActivities {
  lookupVip(input: { number: string }): Promise<VipMatch | null>;
}

export function createVipActivities(deps: { connection: Connection }): VipActivities {
  const Vip = vipModel(deps.connection);
  return {
    async lookupVip({ number }) {
      const doc = await Vip.findOne({ numberHash: numberHash(number), active: true }).lean();
      if (!doc) return null;
      return { profileId: doc._id, level: doc.vipLevel, imsi: doc.imsi, assistants: doc.assistants ?? [] };
    },
  };
}
