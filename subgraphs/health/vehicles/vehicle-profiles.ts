import type { Logger } from '../../../platform/logger.js';
import type { VehicleDirectory } from './vehicle-directory.js';
import type { ProfileDocument, VehicleProfileStore } from './vehicle-profile.store.js';

/** A profile is fetched again after this: make and model rarely change, removal does. */
const REFRESH_MS = 24 * 3_600_000;
/** Vehicles seen by the consumer are looked up together, at most this many per call... */
const BATCH_SIZE = 500;
/** ...after waiting this long for more to gather. */
const BATCH_WAIT_MS = 250;

/**
 * Make, model and year of vehicles, fetched from the vehicles subgraph and kept in the health
 * DB. `observe` is called for each vehicle the consumer sees, so the fleet comparison covers
 * every vehicle that sends telemetry; those are fetched in batches (one call for a fleet coming
 * online, not one per vehicle), and a fetch that fails is tried again on a later event.
 */
export class VehicleProfiles {
  private readonly checkedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<ProfileDocument | null>>();
  private readonly queued = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: VehicleProfileStore,
    private readonly directory: VehicleDirectory,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Fire and forget: queues the vehicle's profile for a refresh when it was not checked lately. */
  observe(vehicleId: string): void {
    const now = this.clock().getTime();
    const checked = this.checkedAt.get(vehicleId);
    if (checked !== undefined && now - checked < REFRESH_MS) return;
    this.checkedAt.set(vehicleId, now);
    this.queued.add(vehicleId);
    if (this.queued.size >= BATCH_SIZE) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
  }

  /** Waits for the queued lookups (tests, shutdown). */
  async settle(): Promise<void> {
    if (this.queued.size > 0) this.flush();
    await this.flushing;
  }

  /** The stored profile, fetched first when missing or stale; null when the vehicle is unknown. */
  async get(vehicleId: string): Promise<ProfileDocument | null> {
    const stored = await this.store.find(vehicleId);
    if (stored && this.clock().getTime() - stored.fetchedAt.getTime() < REFRESH_MS) return stored;
    let pending = this.inFlight.get(vehicleId);
    if (!pending) {
      pending = this.fetchOne(vehicleId, stored).finally(() => this.inFlight.delete(vehicleId));
      this.inFlight.set(vehicleId, pending);
    }
    return pending;
  }

  similar(similarKey: string): Promise<string[]> {
    return this.store.similar(similarKey);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const ids = [...this.queued].slice(0, BATCH_SIZE);
    for (const id of ids) this.queued.delete(id);
    this.flushing = this.flushing.then(() => this.fetchMany(ids));
    if (this.queued.size > 0) this.flushTimer = setTimeout(() => this.flush(), 0);
  }

  private async fetchMany(ids: string[]): Promise<void> {
    try {
      const at = this.clock();
      for (const profile of await this.directory.profiles(ids)) await this.store.save(profile, at);
    } catch (err) {
      this.logger.warn({ err, vehicles: ids.length }, 'vehicle profiles not fetched; trying again on a later event');
      for (const id of ids) this.checkedAt.delete(id);
    }
  }

  private async fetchOne(vehicleId: string, stored: ProfileDocument | null): Promise<ProfileDocument | null> {
    try {
      const [profile] = await this.directory.profiles([vehicleId]);
      return profile ? await this.store.save(profile, this.clock()) : stored;
    } catch (err) {
      this.logger.warn({ err, vehicleId }, 'vehicle profile not fetched; using what is stored');
      if (!stored) throw err;
      return stored;
    }
  }
}
