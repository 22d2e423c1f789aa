import type { EventBus, Unsubscribe } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import type { PayloadSchema } from '../../platform/events/bus.js';
import {
  GATEWAY_METRICS_TOPIC,
  gatewayMetricsSnapshotSchema,
  type GatewayMetricsSnapshot,
} from '../../gateway/contract.js';
import {
  LOGIN_FAILED,
  loginFailedSchema,
  USER_REGISTERED,
  userRegisteredSchema,
} from '../../subgraphs/identity/contract.js';
import {
  VEHICLE_ADDED,
  VEHICLE_REMOVED,
  vehicleEventSchema,
  type VehicleEvent,
} from '../../subgraphs/vehicles/contract.js';
import type { Clock } from '../clock.js';
import type { GoalService } from '../goals/goal.service.js';
import { LOOP_WAKE_TOPIC, wakeEventSchema, type WakeEvent } from '../contract.js';
import type { FailedLoginWindow } from './failed-logins.js';
import type { GatewayMetricsBoard } from './gateway-metrics.board.js';
import type { IdentityStatsSource } from './identity-stats.js';
import type { VehicleRegistry } from './vehicle-registry.store.js';

export interface LiveFeedDeps {
  bus: EventBus;
  goals: GoalService;
  board: GatewayMetricsBoard;
  failedLogins: FailedLoginWindow;
  identity: IdentityStatsSource | null;
  vehicles: VehicleRegistry;
  /** The goals measured by asking their owners (goals/goal-measures.ts), refreshed with the rest. */
  measures?: { refresh(): Promise<void> };
  clock: Clock;
  logger: Logger;
  /** Called when something may need the team now; the loop decides whether to tick. */
  wake: (reason: WakeEvent['reason']) => void;
  /** After each gateway snapshot reaches the board: the triggers on traffic are evaluated at once. */
  onTraffic?: () => void;
}

/**
 * Listens to the other services' events and keeps goals and signals current. Every update
 * writes an absolute value (a count asked from its owner, an upsert keyed by id), so every
 * instance may do it, and a missed event is corrected by the next `refresh()`.
 */
export class LiveFeeds {
  private readonly unsubscribes: Unsubscribe[] = [];
  /** A burst of registrations or vehicles becomes one question to identity, one count. */
  readonly refreshCustomers = coalesced(async () => {
    const stats = await this.deps.identity?.fetch();
    if (stats) await this.deps.goals.setLive('customers', 'IDENTITY', stats.customers);
  });
  private readonly refreshVehicles = coalesced(async () => {
    await this.deps.goals.setLive('vehicles_connected', 'VEHICLES', await this.deps.vehicles.countActive());
  });

  constructor(private readonly deps: LiveFeedDeps) {}

  start(): Promise<void> {
    const { bus } = this.deps;
    // Each payload is parsed with its owner's contract: one that breaks it is logged and ignored.
    const on = <T>(topic: string, schema: PayloadSchema<T>, handler: (payload: T) => Promise<void> | void) =>
      this.unsubscribes.push(
        bus.subscribe<unknown>(topic, async (payload) => {
          const parsed = schema.safeParse(payload);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
            return void this.deps.logger.warn({ topic, issues }, 'agents: live feed event ignored: invalid');
          }
          try {
            await handler(parsed.data);
          } catch (err) {
            this.deps.logger.warn({ err, topic }, 'agents: live feed update failed');
          }
        }),
      );
    on(GATEWAY_METRICS_TOPIC, gatewayMetricsSnapshotSchema, (s) => this.gatewayMetrics(s));
    on(USER_REGISTERED, userRegisteredSchema, () => this.refreshCustomers());
    on(LOGIN_FAILED, loginFailedSchema, () => {
      this.deps.failedLogins.record(this.deps.clock.now());
      this.deps.wake('failed_login');
    });
    on(VEHICLE_ADDED, vehicleEventSchema, (e) => this.vehicleChanged(e, true));
    on(VEHICLE_REMOVED, vehicleEventSchema, (e) => this.vehicleChanged(e, false));
    on(LOOP_WAKE_TOPIC, wakeEventSchema, (e) => this.deps.wake(e.reason));
    return Promise.all(this.unsubscribes.map((u) => u.ready)).then(() => undefined);
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  /** Brings the counted goals up to date, whatever events were missed. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshCustomers(), this.refreshVehicles(), this.deps.measures?.refresh()]);
  }

  private async gatewayMetrics(snapshot: GatewayMetricsSnapshot): Promise<void> {
    const { board, goals, clock } = this.deps;
    const now = clock.now();
    board.record(snapshot, now);
    // Before anything that needs the database: a breach is seen even while it is down.
    this.deps.onTraffic?.();
    const traffic = board.traffic(now);
    if (traffic?.p95Ms != null) await goals.setLive('p95_latency', 'GATEWAY', traffic.p95Ms);
    const hour = board.lastHour(now);
    if (hour) {
      await goals.setLive('uptime', 'GATEWAY', hour.availabilityPct);
      await goals.setLive('error_rate', 'GATEWAY', hour.errorRatePct);
    }
  }

  private async vehicleChanged(event: VehicleEvent, added: boolean): Promise<void> {
    if (typeof event?.vehicleId !== 'string') return;
    const at = new Date(this.deps.clock.now());
    if (added) await this.deps.vehicles.added(event.vehicleId, String(event.ownerId), at);
    else await this.deps.vehicles.removed(event.vehicleId, at);
    await this.refreshVehicles();
  }
}

/**
 * Runs `task` now, or, when it is already running, once more right after: however many calls
 * arrive meanwhile, every caller's change is seen by a run that starts after it.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    const loop = async () => {
      do {
        again = false;
        await task();
      } while (again);
    };
    running = loop().finally(() => (running = null));
    return running;
  };
}
