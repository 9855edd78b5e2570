// SLA policy sets in MongoDB (R4.1): the active set, editable through the API (admin), with every
// version kept. Running complaints keep their snapshot until a supervisor applies a new one.
import { Schema, type Connection, type Model } from 'mongoose';
import { validatePolicySet, type PolicySet } from '../domain/policy/sla';
import { isDuplicateKey } from './models';

export interface PolicySetDoc {
  _id: string; // 'v<version>'
  version: number;
  set: PolicySet;
  updatedBy: string;
  updatedAt: Date;
}

const schema = new Schema<PolicySetDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    set: { type: Schema.Types.Mixed, required: true },
    updatedBy: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'policy_sets', minimize: false },
);
schema.index({ version: -1 });

export class PolicyStore {
  private readonly model: Model<PolicySetDoc>;
  private cache: { at: number; set: PolicySet } | undefined;

  constructor(
    connection: Connection,
    private readonly fallback: PolicySet,
    private readonly cacheMs = 5_000,
  ) {
    this.model = connection.models.PolicySet ?? connection.model<PolicySetDoc>('PolicySet', schema);
  }

  /** The active set: the newest stored version, else the configured one (POLICY_FILE or built-in). */
  async active(): Promise<PolicySet> {
    if (this.cache && Date.now() - this.cache.at < this.cacheMs) return this.cache.set;
    const doc = await this.model.findOne().sort({ version: -1 }).lean();
    const set = doc ? doc.set : this.fallback;
    this.cache = { at: Date.now(), set };
    return set;
  }

  async history(): Promise<{ version: number; updatedBy: string; updatedAt: Date }[]> {
    return this.model.find({}, { set: 0 }).sort({ version: -1 }).limit(50).lean();
  }

  /**
   * Stores a new version; returns the problems when the set is not valid (nothing stored then), or
   * a conflict when `set.version` (the version the edit was based on) is not the active one.
   */
  async save(
    set: Omit<PolicySet, 'version'> & { version?: number },
    by: string,
  ): Promise<{ version: number } | { problems: string[] } | { conflict: string }> {
    this.cache = undefined; // an edit is checked against the newest version, not a cached one
    const current = await this.active();
    if (set.version !== undefined && set.version !== current.version)
      return {
        conflict: `this edit was based on version ${set.version}, but version ${current.version} is active now; reload and try again`,
      };
    const version = current.version + 1;
    const next: PolicySet = { ...set, version } as PolicySet;
    const problems = validatePolicySet(next);
    if (problems.length) return { problems };
    try {
      await this.model.create({
        _id: `v${version}`,
        version,
        set: next,
        updatedBy: by,
        updatedAt: new Date(),
      });
    } catch (err) {
      if (isDuplicateKey(err))
        return { conflict: `version ${version} was saved by someone else meanwhile; reload and try again` };
      throw err;
    }
    this.cache = undefined;
    return { version };
  }
}
