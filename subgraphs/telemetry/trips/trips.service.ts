import { BadUserInputError } from '../../../platform/errors.js';
import { pageSize, type Connection } from '../../../platform/graphql/pagination.js';
import { checkAnalysisRange } from '../readings/analysis-range.js';
import type { ReadingStore } from '../readings/reading.store.js';
import { TRIP_BREAK_MS, TRIP_SERIES, TripDetector } from './trip-detection.js';
import type { Trip } from './trip.type.js';

/** Without from/to, trips of the last week. */
export const DEFAULT_TRIP_WINDOW_MS = 7 * 86_400_000;

export interface TripQuery {
  first?: number | null;
  after?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const encodeCursor = (trip: Trip) => Buffer.from(`trip:${trip.startedAt.getTime()}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^trip:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError('after is not a valid cursor', 'after');
  return Number(match[1]);
}

/**
 * Trips are derived when asked for, from the raw speed and RPM of the window, newest first. A
 * trip that began before the window starts at the window's start.
 */
export class TripsService {
  constructor(
    private readonly readings: ReadingStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(vehicleId: string, query: TripQuery): Promise<Connection<Trip>> {
    const limit = pageSize(query.first ?? undefined);
    const before = query.after ? decodeCursor(query.after) : Infinity;
    const now = this.clock();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - DEFAULT_TRIP_WINDOW_MS);
    checkAnalysisRange(from, to);

    const detector = new TripDetector();
    for await (const snapshot of this.readings.snapshots(vehicleId, Object.values(TRIP_SERIES), from, to))
      detector.feed(snapshot);
    const trips = detector
      .finish()
      .map((trip) => ({ ...trip, inProgress: now.getTime() - trip.endedAt.getTime() < TRIP_BREAK_MS }))
      .reverse();
    const page = trips.filter((trip) => trip.startedAt.getTime() < before);
    const edges = page.slice(0, limit).map((node) => ({ cursor: encodeCursor(node), node }));
    return {
      edges,
      pageInfo: { hasNextPage: page.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: trips.length,
    };
  }
}
