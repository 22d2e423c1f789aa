import type { Db } from 'mongodb';
import { InMemoryBroker } from '../../../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { createLogger } from '../../../platform/logger.js';
import type { Channel, OutboundDelivery, SendResult } from '../channels/channel.js';
import { createPipeline, type ChannelKit, type PipelineSettings } from '../pipeline.js';
import type { ChannelName } from '../vocabulary.js';

export const quiet = createLogger({ service: 'notifications-test', level: 'silent' });

export const TEST_SETTINGS: PipelineSettings = {
  dedupeWindowMs: 30 * 60_000,
  hourlyCap: 20,
  unsubscribe: { secret: 's'.repeat(32), baseUrl: 'https://app.clutch.test/unsubscribe' },
  delivery: { pollMs: 60_000, leaseMs: 30_000, concurrency: 4, baseMs: 1_000, maxMs: 60_000, maxAttempts: 4 },
};

/** A channel whose answers a test scripts (`sent` when the script is empty), recording every attempt. */
export class ScriptedChannel implements Channel {
  readonly attempts: OutboundDelivery[] = [];
  readonly script: SendResult[] = [];

  constructor(readonly name: ChannelName) {}

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    this.attempts.push(delivery);
    return this.script.shift() ?? { status: 'sent', providerId: `p-${delivery.id}` };
  }

  sentIds(): string[] {
    return this.attempts.map((a) => a.id);
  }
}

/** A manual clock the pipeline reads. */
export function manualClock(start = Date.parse('2026-03-10T10:00:00Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => void (now += ms),
  };
}

/** The pipeline on `db`, not started (tests poll the worker themselves). */
export async function testPipeline(
  db: Db,
  options: {
    settings?: Partial<PipelineSettings>;
    channels?: ((kit: ChannelKit) => Channel | Promise<Channel>)[];
    clock?: () => Date;
  } = {},
) {
  const bus = new InProcessEventBus(quiet, { broker: new InMemoryBroker({}) });
  const pipeline = await createPipeline({
    db,
    bus,
    logger: quiet,
    settings: { ...TEST_SETTINGS, ...options.settings },
    channels: options.channels ?? [],
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return Object.assign(pipeline, {
    bus,
    async close() {
      await pipeline.stop();
      await bus.close();
    },
  });
}
