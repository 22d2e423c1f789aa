import { LatencyRecorder } from '../latency.js';
import { MARKER_PID, MAX_MARKER } from './frames.js';

const MAX_SAMPLES = 3;

/** One subscriber's view of the run. */
export interface Tracked {
  /** Its events must carry fields of other subgraphs. */
  federated: boolean;
  /** It has received an event (graphql-ws has no "subscribed" acknowledgement; this is the proof). */
  live: boolean;
  /** Measured events it has received, by position in the measured range. */
  seen?: Uint8Array;
}

interface TelemetryResult {
  data?: {
    vehicleTelemetry?: {
      readings?: { pid?: string; value?: number }[];
      vehicle?: { vin?: string; owner?: { email?: string } | null } | null;
    } | null;
  } | null;
  errors?: unknown[];
}

/** What is wrong with an event, if anything, and the marker it carries. */
function inspect(result: TelemetryResult, federated: boolean): { marker?: number; problem?: string } {
  const event = result.data?.vehicleTelemetry;
  const marker = event?.readings?.find((r) => r.pid === MARKER_PID)?.value;
  if (result.errors?.length || !event) return { marker, problem: JSON.stringify(result).slice(0, 300) };
  if (marker === undefined) return { problem: `no ${MARKER_PID} reading: ${JSON.stringify(result).slice(0, 300)}` };
  if (federated && !(event.vehicle?.vin && event.vehicle.owner?.email)) {
    return { marker, problem: `fields of other subgraphs missing: ${JSON.stringify(result).slice(0, 300)}` };
  }
  return { marker };
}

/**
 * Latency from the start of each ingest call to each subscriber's receipt of its event. Events
 * are numbered (see frames.ts); only those of the measured range count.
 */
export class LiveMeter {
  /** When the ingest call of each event started (performance.now()). */
  readonly sentAt = new Float64Array(MAX_MARKER + 1);
  private from = 0;
  private to = -1;
  latencies = new LatencyRecorder();
  /** Measured events received, each (subscriber, event) once. */
  received = 0;
  duplicates = 0;
  badEvents = 0;
  badSamples: string[] = [];

  /** Forgets everything: a new set of subscribers (bad events count from their first event on). */
  reset(): void {
    this.from = 0;
    this.to = -1;
    this.latencies = new LatencyRecorder();
    this.received = this.duplicates = this.badEvents = 0;
    this.badSamples = [];
  }

  /** Starts counting the events numbered from..to (inclusive) for `subscribers`. */
  begin(from: number, to: number, subscribers: readonly Tracked[]): void {
    this.from = from;
    this.to = to;
    for (const s of subscribers) s.seen = new Uint8Array(to - from + 1);
  }

  /** Called by a subscriber's sink, `at` taken first thing. */
  onEvent(subscriber: Tracked, result: TelemetryResult, at: number): void {
    const { marker, problem } = inspect(result, subscriber.federated);
    if (problem) {
      this.badEvents++;
      if (this.badSamples.length < MAX_SAMPLES) this.badSamples.push(problem);
      return;
    }
    subscriber.live = true;
    if (marker === undefined || marker < this.from || marker > this.to || !subscriber.seen) return;
    const slot = marker - this.from;
    if (subscriber.seen[slot]) {
      this.duplicates++;
      return;
    }
    subscriber.seen[slot] = 1;
    this.received++;
    this.latencies.record(at - this.sentAt[marker]);
  }
}
