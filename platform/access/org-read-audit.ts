import { identityClient, MAX_VEHICLE_DATA_READS, type VehicleDataReads } from '../../subgraphs/identity/contract.js';
import type { DataScope } from './org-grants.js';

type Read = VehicleDataReads['reads'][number];

/** Where an organisation's authorised reads of vehicles are audited. */
export interface OrgReadAudit {
  /** Queues the entry; never waits for, nor fails with, the audit log. */
  record(read: { organizationId: string; keyId: string; vehicleId: string; scope: DataScope }): void;
}

export interface HttpOrgReadAuditOptions {
  identityUrl: string;
  internalSecret: string;
  /** Reads queued this long go to identity in one call (default 200 ms). */
  flushMs?: number;
  /** Past this many queued, the oldest are dropped (and counted) rather than holding memory while identity is away. */
  maxQueued?: number;
  onDropped?: (count: number) => void;
}

/**
 * Sends reads to identity's audit log in batches after they were answered, so a read waits for no
 * audit write. A batch identity refuses or cannot take is retried with the next one, up to
 * `maxQueued` entries; entries still queued when the process ends are lost.
 */
export class HttpOrgReadAudit implements OrgReadAudit {
  private queue: Read[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private readonly client: ReturnType<typeof identityClient>;

  constructor(private readonly options: HttpOrgReadAuditOptions) {
    this.client = identityClient({ url: options.identityUrl, internalSecret: options.internalSecret });
  }

  record(read: { organizationId: string; keyId: string; vehicleId: string; scope: DataScope }): void {
    this.queue.push({ ...read, at: new Date().toISOString() });
    const max = this.options.maxQueued ?? 10_000;
    if (this.queue.length > max) {
      const dropped = this.queue.length - max;
      this.queue.splice(0, dropped);
      this.options.onDropped?.(dropped);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => void this.flush(), this.options.flushMs ?? 200);
    this.timer.unref();
  }

  /** Sends what is queued now (tests and shutdown call it directly). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending) return this.schedule();
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, MAX_VEHICLE_DATA_READS);
        try {
          await this.client.vehicleDataReads({ reads: batch });
        } catch {
          break; // kept: the next timer tries again
        }
        this.queue.splice(0, batch.length);
      }
    } finally {
      this.sending = false;
      this.schedule();
    }
  }
}
