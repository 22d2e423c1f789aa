import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import { TELEMETRY_READINGS, type TelemetryReadingsEvent } from '../../../subgraphs/telemetry/live/telemetry-events.js';
import { READING_RULES } from './engine.js';
import { SimulatedFleet } from './fleet.js';

export interface DrainResult {
  events: number;
  ruleEvaluations: number;
  seconds: number;
  eventsPerSecond: number;
  evaluationsPerSecond: number;
  alertsOpened: number;
}

const DRAIN_TIMEOUT_MS = 15 * 60_000;

type Heads = ReturnType<typeof headsOf>;
const headsOf = (health: Db) => health.collection<{ _id: string; version: number }>('vehicle_states');

/** Events the health consumer has applied to these vehicles: each one made a state version. */
async function applied(heads: Heads, vehicleIds: readonly string[]): Promise<number> {
  const found = await heads.find({ _id: { $in: [...vehicleIds] } }, { projection: { version: 1 } }).toArray();
  return found.reduce((sum, h) => sum + h.version, 0);
}

/** One vehicle's applied events: a lookup by `_id`, cheap enough to poll often. */
async function appliedTo(heads: Heads, vehicleId: string): Promise<number> {
  return (await heads.findOne({ _id: vehicleId }, { projection: { version: 1 } }))?.version ?? 0;
}

/**
 * The health consumer with its database: a backlog of simulated rounds (one event per vehicle
 * and round, as telemetry appends them) is put on `telemetry.readings`, and the time until the
 * consumer group has applied all of it is measured.
 */
export async function measureDrain(
  bus: EventBus,
  health: Db,
  vehicleIds: readonly string[],
  rounds: number,
): Promise<DrainResult> {
  const fleet = new SimulatedFleet(vehicleIds.length, Date.now() - (rounds + 1) * 5000, 5, 7);
  const events: TelemetryReadingsEvent[] = [];
  for (let r = 0; r < rounds; r++) {
    fleet
      .round()
      .forEach((readings, i) =>
        events.push({ vehicleId: vehicleIds[i], recordedAt: readings[0].recordedAt, readings }),
      );
  }
  const alerts = health.collection('alerts');
  const heads = headsOf(health);
  const last = events[events.length - 1].vehicleId;
  const [before, lastBefore, alertsBefore] = await Promise.all([
    applied(heads, vehicleIds),
    appliedTo(heads, last),
    alerts.countDocuments(),
  ]);
  const target = before + events.length;
  const started = performance.now();
  for (const event of events) await bus.append(TELEMETRY_READINGS, event);
  // Polling every vehicle would scan the collection on FerretDB and slow what is measured: wait
  // for the last event's vehicle (consumers read in stream order), then confirm all, rarely.
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const waitUntil = async (done: () => Promise<boolean>, everyMs: number) => {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('the health consumer did not drain the backlog in time');
      await sleep(everyMs);
    }
  };
  await waitUntil(async () => (await appliedTo(heads, last)) >= lastBefore + rounds, 50);
  let finishedAt = performance.now();
  const allApplied = async () => (await applied(heads, vehicleIds)) >= target;
  if (!(await allApplied())) {
    await waitUntil(allApplied, 1000);
    finishedAt = performance.now();
  }
  const seconds = (finishedAt - started) / 1000;
  const ruleEvaluations = events.length * READING_RULES;
  return {
    events: events.length,
    ruleEvaluations,
    seconds,
    eventsPerSecond: events.length / seconds,
    evaluationsPerSecond: ruleEvaluations / seconds,
    alertsOpened: (await alerts.countDocuments()) - alertsBefore,
  };
}
