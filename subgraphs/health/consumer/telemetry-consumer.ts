import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mapBounded } from '../../../platform/async/map-bounded.js';
import type { ConsumeOptions, EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { DTC_CODE_PATTERN } from '../../telemetry/obd/dtc.js';
import { TELEMETRY_DTCS, TELEMETRY_READINGS } from '../../telemetry/live/telemetry-events.js';
import { HEALTH_COMMANDS } from '../alerts/alert-events.js';
import { parseHealthCommand } from './health-commands.js';
import type { ApplyOutcome, HealthProcessor } from './health-processor.js';
import type { HealthInput } from './reduce.js';

/** The consumer group every health instance joins: each event is handled by one of them. */
export const HEALTH_GROUP = 'health';

/** Vehicles of one command re-assessed at once (each vehicle's inputs stay in order through the processor). */
const COMMAND_CONCURRENCY = 8;

const isoTime = z.iso.datetime({ offset: true });
const vehicleId = z.string().min(1).max(64);

const readingsEvent = z.object({
  vehicleId,
  recordedAt: isoTime,
  readings: z
    .array(
      z.object({
        pid: z.string().max(8),
        name: z.string().max(200),
        value: z.number(),
        unit: z.string().max(20),
        recordedAt: isoTime,
      }),
    )
    .max(10_000),
});

const dtcsEvent = z.object({
  vehicleId,
  codes: z.array(z.string().regex(DTC_CODE_PATTERN)).max(500),
  mode: z.enum(['confirmed', 'pending', 'permanent', 'cleared']),
  recordedAt: isoTime,
});

/** A payload to the processor's terms, or null for one that can never be handled. */
export function parseTelemetryEvent(
  stream: string,
  payload: unknown,
): { vehicleId: string; input: HealthInput } | null {
  if (stream === TELEMETRY_READINGS) {
    const parsed = readingsEvent.safeParse(payload);
    return parsed.success
      ? { vehicleId: parsed.data.vehicleId, input: { kind: 'readings', readings: parsed.data.readings } }
      : null;
  }
  const parsed = dtcsEvent.safeParse(payload);
  if (!parsed.success) return null;
  const { mode, codes, recordedAt } = parsed.data;
  return { vehicleId: parsed.data.vehicleId, input: { kind: 'dtcs', mode, codes, at: Date.parse(recordedAt) } };
}

/** The vehicle an event is about, which orders its handling (anything unreadable is skipped later anyway). */
const vehicleOf = (payload: unknown) => String((payload as { vehicleId?: unknown } | null)?.vehicleId ?? '');

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
 * another instance); one that can never be read is logged and acknowledged, as retrying it
 * would only fail again.
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
  ) {}

  start(): Promise<void> {
    const name = this.settings.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    for (const stream of [TELEMETRY_READINGS, TELEMETRY_DTCS]) {
      this.consumers.push(
        this.bus.consume(stream, HEALTH_GROUP, name, (event) => this.handle(event), {
          ...this.options(),
          orderKey: vehicleOf,
          concurrency: this.settings.concurrency,
        }),
      );
    }
    // Commands are rare: one consumer per instance.
    this.consumers.push(
      this.bus.consume(HEALTH_COMMANDS, HEALTH_GROUP, `${name}-commands`, (e) => this.handleCommand(e), this.options()),
    );
    return Promise.all(this.consumers.map((c) => c.ready)).then(() => undefined);
  }

  /** Only what is set: an undefined option would override the bus's default. */
  private options(): ConsumeOptions {
    const { batchSize, claimIdleMs, blockMs, stopTimeoutMs } = this.settings;
    return Object.fromEntries(
      Object.entries({ batchSize, claimIdleMs, blockMs, stopTimeoutMs }).filter(([, v]) => v !== undefined),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers = [];
  }

  private async handle(event: StreamEvent<unknown>): Promise<void> {
    const parsed = parseTelemetryEvent(event.stream, event.payload);
    if (!parsed) {
      this.logger.warn({ stream: event.stream, id: event.id }, 'unreadable telemetry event skipped');
      return;
    }
    this.onVehicle(parsed.vehicleId);
    await this.processor.apply(parsed.vehicleId, `${event.stream}:${event.id}`, parsed.input);
  }

  /** A vehicle that fails leaves the command pending: on redelivery, the vehicles already done are duplicates. */
  private async handleCommand(event: StreamEvent<unknown>): Promise<void> {
    const inputs = parseHealthCommand(event.payload);
    if (!inputs) {
      this.logger.warn({ stream: event.stream, id: event.id }, 'unreadable health command skipped');
      return;
    }
    const outcomes = await mapBounded(inputs, COMMAND_CONCURRENCY, (c) =>
      this.processor.apply(c.vehicleId, c.eventKey, c.input),
    );
    const counts: Partial<Record<ApplyOutcome, number>> = {};
    for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    this.logger.info({ stream: event.stream, id: event.id, ...counts }, 'health command handled');
  }
}
