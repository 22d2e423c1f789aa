import type { Collection, Db } from 'mongodb';
import { CoalescedReads } from '../../../platform/mongo/coalesce-by-id.js';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { Effect } from './effects.js';
import type { VehicleState } from './vehicle-state.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * One document per version of a vehicle's state, `_id: <vehicleId>:<version>`. Committing
 * version n+1 is an insert, and the unique `_id` lets exactly one writer win: optimistic
 * concurrency. Each version carries the effects of the change that made it, and stays readable
 * while they run, so whoever loads it can finish them after a crash: what an overwrite of one
 * state document would lose.
 */
export interface StateVersion {
  vehicleId: string;
  version: number;
  state: VehicleState;
  effects: Effect[];
  /** The event (or service) that made this version. */
  eventKey: string;
  committedAt: Date;
}

interface VersionDocument extends StateVersion {
  _id: string;
}

/**
 * `_id: <vehicleId>`: the newest version number, as a starting point. Moved with `$max` after
 * each commit, so a crash between the two can leave it a version behind: `latest` walks
 * forward from it.
 */
interface HeadDocument {
  _id: string;
  version: number;
}

/** Versions kept behind the newest: history for debugging, and room for readers mid-flight. */
export const VERSIONS_KEPT = 5;
/** Old versions are deleted in one range delete every this many versions, off the event's path. */
export const PRUNE_EVERY = 50;

const versionId = (vehicleId: string, version: number) => `${vehicleId}:${version}`;
const strip = ({ _id: _drop, ...rest }: VersionDocument): StateVersion => rest;

/** Reads are by `_id`; the index serves pruning and the fallback in `latest`. */
export const VEHICLE_STATE_VERSION_INDEXES: IndexDeclaration[] = [{ key: { vehicleId: 1, version: -1 } }];

export class VehicleStateStore {
  static readonly versionsCollection = 'vehicle_state_versions';
  static readonly headsCollection = 'vehicle_states';
  private readonly versions: Collection<VersionDocument>;
  private readonly heads: Collection<HeadDocument>;
  /**
   * `latestMany`'s reads for concurrent requests (each customer's myVehicles asks for its own
   * vehicles' health) go out together: one heads query and one versions query per event-loop
   * turn instead of two per request. Nothing is kept between turns.
   */
  private readonly headReads: CoalescedReads<HeadDocument>;
  private readonly versionReads: CoalescedReads<VersionDocument>;

  constructor(db: Db) {
    this.versions = db.collection<VersionDocument>(VehicleStateStore.versionsCollection);
    this.heads = db.collection<HeadDocument>(VehicleStateStore.headsCollection);
    this.headReads = new CoalescedReads(this.heads);
    this.versionReads = new CoalescedReads(this.versions);
  }

  init(): Promise<void> {
    return ensureIndexes(this.versions, VEHICLE_STATE_VERSION_INDEXES);
  }

  /**
   * The newest committed version (or `known`, a version the caller committed itself, when the
   * head shows nothing newer): the one the head names, then forward by `_id` past any
   * committed since. Every lookup is by `_id`. Should the head name a version already pruned
   * (it never trails by VERSIONS_KEPT in practice), the newest is found by a sorted query instead.
   */
  async latest(vehicleId: string, known?: StateVersion): Promise<StateVersion | null> {
    const id = String(vehicleId);
    const head = await this.heads.findOne({ _id: id });
    // Nobody has moved past the version the caller holds: no need to read it back. (Should the
    // head lag behind a newer version, committing the next one fails, and the caller reloads.)
    if (known && (!head || head.version <= known.version)) return known;
    if (!head) return this.walk(id, null);
    const named = await this.versions.findOne({ _id: versionId(id, head.version) });
    if (!named) return this.newestByQuery(id);
    return this.walk(id, strip(named));
  }

  /**
   * `latest` of many vehicles in two queries (their heads, then each head's version and the one
   * after it), so that a page of vehicles does not read one vehicle after another. A vehicle
   * whose head lags behind a committed version, or names a pruned one, falls back to `latest`.
   */
  async latestMany(vehicleIds: readonly string[]): Promise<Map<string, StateVersion>> {
    const ids = [...new Set(vehicleIds.map(String))];
    if (ids.length === 0) return new Map();
    const heads = new Map(
      (await this.headReads.findManyById(ids)).filter((h) => h !== null).map((h) => [h._id, h.version]),
    );
    const wanted = ids.flatMap((id) => {
      const version = heads.get(id);
      return version === undefined ? [versionId(id, 1)] : [versionId(id, version), versionId(id, version + 1)];
    });
    const found = new Map(
      (await this.versionReads.findManyById(wanted)).filter((d) => d !== null).map((d) => [d._id, d]),
    );
    const newest = new Map<string, StateVersion>();
    const behind: string[] = [];
    for (const id of ids) {
      const version = heads.get(id);
      if (version === undefined) {
        if (found.has(versionId(id, 1))) behind.push(id);
        continue;
      }
      const named = found.get(versionId(id, version));
      if (!named || found.has(versionId(id, version + 1))) behind.push(id);
      else newest.set(id, strip(named));
    }
    for (const id of behind) {
      const latest = await this.latest(id);
      if (latest) newest.set(id, latest);
    }
    return newest;
  }

  /** Newest versions of many vehicles, for reads that tolerate a version's lag (comparisons). */
  async latestOf(vehicleIds: readonly string[]): Promise<Map<string, StateVersion>> {
    if (vehicleIds.length === 0) return new Map();
    const heads = (await findManyById(this.heads, vehicleIds.map(String))).filter((h) => h !== null);
    const docs = await findManyById(
      this.versions,
      heads.map((h) => versionId(h._id, h.version)),
    );
    return new Map(docs.filter((d) => d !== null).map((d) => [d.vehicleId, strip(d)]));
  }

  /** False when another writer committed this version first. */
  async commit(version: StateVersion): Promise<boolean> {
    try {
      await this.versions.insertOne({ ...version, _id: versionId(version.vehicleId, version.version) });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await this.moveHead(version.vehicleId, version.version);
    if (version.version % PRUNE_EVERY === 0) {
      // Housekeeping off the event's path: versions left behind by a failure are only history.
      void this.versions
        .deleteMany({ vehicleId: version.vehicleId, version: { $lt: version.version - VERSIONS_KEPT } })
        .catch(() => undefined);
    }
    return true;
  }

  private async walk(vehicleId: string, from: StateVersion | null): Promise<StateVersion | null> {
    let current = from;
    for (;;) {
      const next = await this.versions.findOne({ _id: versionId(vehicleId, (current?.version ?? 0) + 1) });
      if (!next) return current;
      current = strip(next);
    }
  }

  private async newestByQuery(vehicleId: string): Promise<StateVersion | null> {
    const newest = await this.versions.findOne({ vehicleId }, { sort: { version: -1 } });
    return newest ? this.walk(vehicleId, strip(newest)) : null;
  }

  private async moveHead(vehicleId: string, version: number): Promise<void> {
    try {
      await this.heads.updateOne({ _id: vehicleId }, { $max: { version } }, { upsert: true });
    } catch (error) {
      // Two first commits raced to create the head; the other one's is as good (latest walks on).
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
