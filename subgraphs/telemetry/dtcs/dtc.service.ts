import type { TelemetryEvents } from '../live/telemetry-events.js';
import { describeDtc } from '../obd/dtc.js';
import type { KeyedLock } from '../../../platform/async/keyed-lock.js';
import { CLEARABLE, type DtcStatus } from './dtc-status.js';
import type { DtcDocument, DtcStore } from './dtc.store.js';
import type { ClearDtcsResult, Dtc } from './dtc.type.js';

export const toDtc = ({ _id: _drop, vehicleId: _vehicle, ...doc }: DtcDocument): Dtc => {
  const described = describeDtc(doc.code);
  return { ...doc, description: described?.description ?? null, severity: described?.severity ?? null };
};

export class DtcService {
  constructor(
    private readonly store: DtcStore,
    private readonly events: TelemetryEvents,
    /** The same per-vehicle lock as uploads, so a clear never interleaves with a report. */
    private readonly writes: KeyedLock,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(vehicleId: string, status?: DtcStatus | null): Promise<Dtc[]> {
    return (await this.store.list(vehicleId, status ?? undefined)).map(toDtc);
  }

  /** Mode 04 as the owner or a mechanic requested it; the caller has been authorized. */
  async clear(vehicleId: string): Promise<ClearDtcsResult> {
    const clearedAt = this.clock();
    const { clearedCount, cleared } = await this.writes.run(vehicleId, async () => {
      const clearable = (await this.store.list(vehicleId))
        .filter((d) => CLEARABLE.includes(d.status))
        .map((d) => d.code);
      return { clearedCount: await this.store.clear(vehicleId, clearedAt), cleared: clearable };
    });
    if (clearedCount > 0) await this.events.dtcsReported(vehicleId, 'cleared', cleared, clearedAt);
    return { clearedCount, clearedAt, vehicle: { id: vehicleId } };
  }
}
