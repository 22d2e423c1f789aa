import type { TelemetryEvents } from '../live/telemetry-events.js';
import { describeDtc } from '../obd/dtc.js';
import { BadUserInputError } from '../../../platform/errors.js';
import { connectionOf, MAX_PAGE_SIZE, pageSize, type Connection } from '../../../platform/graphql/pagination.js';
import { decodeDtcCursor, encodeDtcCursor } from './dtc-cursor.js';
import type { DtcStatus } from './dtc-status.js';
import type { DtcDocument, DtcStore } from './dtc.store.js';
import type { ClearDtcsResult, Dtc } from './dtc.type.js';

/** `Vehicle.dtcs` answers at most this many codes (and this many by default); `dtcConnection` pages through all. */
export const DTC_LIST_CAP = MAX_PAGE_SIZE;

export interface DtcPageArgs {
  status?: DtcStatus | null;
  first?: number | null;
  after?: string | null;
}

export const toDtc = ({ _id: _drop, vehicleId: _vehicle, ...doc }: DtcDocument): Dtc => {
  const described = describeDtc(doc.code);
  return { ...doc, description: described?.description ?? null, severity: described?.severity ?? null };
};

export class DtcService {
  constructor(
    private readonly store: DtcStore,
    private readonly events: TelemetryEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The most recently seen codes, `first` of them (1 to DTC_LIST_CAP, default DTC_LIST_CAP). */
  async list(vehicleId: string, status?: DtcStatus | null, first?: number | null): Promise<Dtc[]> {
    const limit = first ?? DTC_LIST_CAP;
    if (!Number.isInteger(limit) || limit < 1 || limit > DTC_LIST_CAP) {
      throw new BadUserInputError(`first must be between 1 and ${DTC_LIST_CAP}`, 'first');
    }
    return (await this.store.page(vehicleId, { status: status ?? undefined, limit })).map(toDtc);
  }

  /**
   * A page of codes in the same order. The order is by last sighting, so a code seen again
   * while a client pages moves to the front: it may be missed on later pages but is never
   * listed twice on one page, and a fresh first page shows it.
   */
  async connection(vehicleId: string, { status, first, after }: DtcPageArgs): Promise<Connection<Dtc>> {
    const limit = pageSize(first ?? undefined);
    const position = after ? decodeDtcCursor(after) : undefined;
    const docs = await this.store.page(vehicleId, { status: status ?? undefined, after: position, limit: limit + 1 });
    const edges = docs.slice(0, limit).map((doc) => ({ cursor: encodeDtcCursor(doc), node: toDtc(doc) }));
    return connectionOf(edges, { hasNextPage: docs.length > limit, endCursor: edges.at(-1)?.cursor ?? null }, () =>
      this.store.count(vehicleId, status ?? undefined),
    );
  }

  /** Mode 04 as the owner or a mechanic requested it; the caller has been authorized. */
  async clear(vehicleId: string): Promise<ClearDtcsResult> {
    const clearedAt = this.clock();
    const cleared = await this.store.clear(vehicleId, clearedAt);
    if (cleared.length > 0) await this.events.dtcsReported(vehicleId, 'cleared', cleared, clearedAt);
    return { clearedCount: cleared.length, clearedAt, vehicle: { id: vehicleId } };
  }
}
