import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { mapBounded } from '../../../platform/async/map-bounded.js';
import type { StreamConsumerMetrics } from '../../../platform/events/consumer-metrics.js';
import type { ConsumeOptions, EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import {
  TELEMETRY_DTCS,
  TELEMETRY_READINGS,
  telemetryDtcsEventSchema,
  telemetryReadingsEventSchema,
  type TelemetryDtcsEvent,
  type TelemetryReadingsEvent,
} from '../../telemetry/contract.js';
import { HEALTH_COMMANDS } from '../alerts/alert-events.js';
import { commandInputs, healthCommandSchema, type HealthCommand } from './health-commands.js';
import type { ApplyOutcome, HealthProcessor } from './health-processor.js';
import type { HealthInput } from './reduce.js';

/** The consumer group every health instance joins: each event is handled by one of them. */
export const HEALTH_GROUP = 'health';

/** Vehicles of one command re-assessed at once (each vehicle's inputs stay in order through the processor). */
const COMMAND_CONCURRENCY = 8;

type TelemetryEvent = TelemetryReadingsEvent | TelemetryDtcsEvent;

/** A payload that keeps telemetry's contract (contract.ts), to the processor's terms. */
export function toHealthInput(event: TelemetryEvent): { vehicleId: string; input: HealthInput } {
  if ('readings' in event) return { vehicleId: event.vehicleId, input: { kind: 'readings', readings: event.readings } };
  const { vehicleId, mode, codes, recordedAt } = event;
  return { vehicleId, input: { kind: 'dtcs', mode, codes, at: Date.parse(recordedAt) } };
}

/** A payload to the processor's terms, or null for one that breaks telemetry's contract. */
export function parseTelemetryEvent(
  stream: string,
  payload: unknown,
): { vehicleId: string; input: HealthInput } | null {
  const schema = stream === TELEMETRY_READINGS ? telemetryReadingsEventSchema : telemetryDtcsEventSchema;
  const parsed = schema.safeParse(payload);
  return parsed.success ? toHealthInput(parsed.data) : null;
}

/** The vehicle an event is about, which orders its handling (payloads are checked before this). */
const vehicleOf = (payload: unknown) => (payload as TelemetryEvent).vehicleId;

export interface ConsumerSettings {
  batchSize: number;
  claimIdleMs: number;
  /**
   * Vehicles handled at once by this instance's consumer of each stream; each vehicle's events
   * in stream order (rules ignore observations older than what they have seen, so a vehicle's
   * backlog handled newest first would lose the older part of it).
   */
  concurrency: number;
  /** Unique per instance; defaults to host, process and a random suffix. */
  name?: string;
  /** Passed to the bus as they are (tests shorten them). */
  blockMs?: number;
  stopTimeoutMs?: number;
}

/**
 * Durable consumption of telemetry, and of commands such as recomputes, by the `health` group:
 * at-least-once delivery from the bus, made effectively-once by the processor (see
 * HealthProcessor). An event that fails is left unacknowledged and comes back (here or on
 * another instance). One that breaks its stream's contract (telemetry's contract.ts, the
 * commands' schema) never reaches the handlers: the bus moves it to the dead-letter stream,
 * counts it on /metrics and raises an ops alert, as retrying it would only fail again.
 */
export class TelemetryConsumer {
  private consumers: StreamConsumer[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly processor: HealthProcessor,
    private readonly logger: Logger,
    private readonly settings: ConsumerSettings,
    /** Called for each vehicle seen (fire and forget), so that its profile can be fetched. */
    private readonly onVehicle: (vehicleId: string) => void = () => undefined,
    /** Counts what the consumers dead-letter, on health's /metrics. */
    private readonly metrics?: StreamConsumerMetrics,
  ) {}

  start(): Promise<void> {
    const name = this.settings.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    // A vehicle's events of one read go to the processor together: a backlog becomes one state
    // version per vehicle and read, not one per event, so the consumer catches up faster the
    // further behind it is.
    const keyed = {
      orderKey: vehicleOf,
      concurrency: this.settings.concurrency,
      keyBatchHandler: (events: StreamEvent<TelemetryEvent>[]) => this.handleVehicle(events),
    };
    const handle = (event: StreamEvent<TelemetryEvent>) => this.handleVehicle([event]);
    this.consumers.push(
      this.bus.consume(TELEMETRY_READINGS, HEALTH_GROUP, name, handle, {
        ...this.options(),
        ...keyed,
        schema: telemetryReadingsEventSchema,
      }),
      this.bus.consume(TELEMETRY_DTCS, HEALTH_GROUP, name, handle, {
        ...this.options(),
        ...keyed,
        schema: telemetryDtcsEventSchema,
      }),
      // Commands are rare: one consumer per instance.
      this.bus.consume(HEALTH_COMMANDS, HEALTH_GROUP, `${name}-commands`, (e) => this.handleCommand(e), {
        ...this.options(),
        schema: healthCommandSchema,
      }),
    );
    return Promise.all(this.consumers.map((c) => c.ready)).then(() => undefined);
  }

  /** Only what is set: an undefined option would override the bus's default. */
  private options(): ConsumeOptions {
    const { batchSize, claimIdleMs, blockMs, stopTimeoutMs } = this.settings;
    return {
      ...Object.fromEntries(
        Object.entries({ batchSize, claimIdleMs, blockMs, stopTimeoutMs }).filter(([, v]) => v !== undefined),
      ),
      ...(this.metrics ? { metrics: this.metrics } : {}),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers = [];
  }

  /** One vehicle's events (the bus groups them by vehicle), in stream order. */
  private async handleVehicle(events: StreamEvent<TelemetryEvent>[]): Promise<void> {
    const inputs = events.map((event) => ({
      ...toHealthInput(event.payload),
      eventKey: `${event.stream}:${event.id}`,
    }));
    const { vehicleId } = inputs[0];
    this.onVehicle(vehicleId);
    await this.processor.applyMany(vehicleId, inputs);
  }

  /** A vehicle that fails leaves the command pending: on redelivery, the vehicles already done are duplicates. */
  private async handleCommand(event: StreamEvent<HealthCommand>): Promise<void> {
    const inputs = commandInputs(event.payload);
    const outcomes = await mapBounded(inputs, COMMAND_CONCURRENCY, (c) =>
      this.processor.apply(c.vehicleId, c.eventKey, c.input),
    );
    const counts: Partial<Record<ApplyOutcome, number>> = {};
    for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    this.logger.info({ stream: event.stream, id: event.id, ...counts }, 'health command handled');
  }
}
