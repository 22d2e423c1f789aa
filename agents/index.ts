import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { EventBus } from '../platform/events/bus.js';
import { StreamConsumerMetrics } from '../platform/events/consumer-metrics.js';
import type { Logger } from '../platform/logger.js';
import { databaseCheck } from '../platform/mongo/database-check.js';
import { listenForLogLevel } from '../platform/ops/log-level.js';
import type { Subgraph } from '../platform/subgraph/serve-subgraph.js';
import { ModeStore } from './autonomy/mode.store.js';
import { StatusService } from './autonomy/status.service.js';
import { ClientErrorService } from './client-errors/client-error.service.js';
import { ClientErrorStore } from './client-errors/client-error.store.js';
import { WindowRateLimiter } from './client-errors/rate-limiter.js';
import { systemClock } from './clock.js';
import type { AgentsContext } from './context.js';
import { ApprovalService } from './decisions/approval.service.js';
import { DecisionEvents } from './decisions/decision-events.js';
import { DecisionMaker } from './decisions/decision-maker.js';
import { DecisionRunner } from './decisions/decision-runner.js';
import { DecisionStore } from './decisions/decision.store.js';
import { RecentActions } from './decisions/recent-actions.store.js';
import { ClaimStore } from './claims.store.js';
import { AGENTS_INDEXES } from './declared-indexes.js';
import { ActiveEffectStore } from './effects/active-effect.store.js';
import { ClientOffenders } from './effects/client-offenders.js';
import { GoalMeasures } from './goals/goal-measures.js';
import { vehiclesClient } from '../subgraphs/vehicles/contract.js';
import { PaymentsRevenue } from './goals/payments-revenue.js';
import { TeamDeployer } from './autonomy/team-deploy.js';
import { remoteIndexCheckers } from './effects/index-checkers.js';
import { IncidentStore } from './effects/incident.store.js';
import { RemoteOwnerNotifier } from './effects/owner-notifier.js';
import { RateLimitPolicy } from './effects/rate-limit-policy.js';
import { createEffectRegistry } from './effects/registry.js';
import { FiringStore } from './firings/firing.store.js';
import { TriggerStateStore } from './firings/trigger-state.store.js';
import { GoalChangeStore } from './goals/goal-change.store.js';
import { GOAL_DEFINITIONS } from './goals/goal-definitions.js';
import { GoalService } from './goals/goal.service.js';
import { GoalStore } from './goals/goal.store.js';
import { ArmStore } from './learning/arm.store.js';
import { AutonomousLoop } from './loop/autonomous-loop.js';
import { DetectorMetrics, IncidentDetector } from './loop/detector.js';
import { DEFAULT_OWNER_RESPONSE_MS, ownerResponseJudge, type ActionJudges } from './loop/action-judges.js';
import { BookingSeenStore } from './signals/booking-seen.store.js';
import { consumeBookingChanges } from './signals/booking-feed.js';
import { memoryRules, metricRules } from './firings/rule-set.js';
import { LeaseStore } from './loop/lease.store.js';
import { LoopStatusStore } from './loop/loop-status.store.js';
import { OutcomeQueue } from './loop/outcome-queue.store.js';
import { OutcomeEvaluator } from './loop/outcomes.js';
import { AutonomousTick } from './loop/tick.js';
import { startProviderChecks } from './providers/provider-checks.js';
import { ProviderRouter } from './providers/router.js';
import { buildAgentsSchema } from './schema.js';
import { actionBudget, type AgentsSettings } from './settings.js';
import { consumeHealthAlerts } from './signals/alert-feed.js';
import { SeenAlertStore } from './signals/seen-alert.store.js';
import { FailedLoginWindow } from './signals/failed-logins.js';
import { GatewayMetricsBoard, TRAFFIC_HISTORY_MS } from './signals/gateway-metrics.board.js';
import { TrafficMinuteStore } from './signals/traffic-minute.store.js';
import { HttpIdentityStats } from './signals/identity-stats.js';
import { LiveFeeds } from './signals/live-feeds.js';
import { ObservationCollector } from './signals/observations.js';
import { consumeOpsAlerts } from './signals/ops-alert-feed.js';
import { OpsAlertStore } from './signals/ops-alert.store.js';
import { VehicleRegistry } from './signals/vehicle-registry.store.js';
import { TEAM } from './team/team-definitions.js';
import { TeamStore } from './team/team.store.js';

export interface AgentsDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: AgentsSettings;
}

/** The subgraph, plus its loop for whoever runs it by hand (tests, benchmarks). */
export interface AgentsSubgraph extends Subgraph {
  loop: AutonomousLoop;
}

export async function createAgentsSubgraph({ db, bus, logger, settings }: AgentsDeps): Promise<AgentsSubgraph> {
  const clock = settings.clock ?? systemClock;
  const now = new Date(clock.now());
  const instanceId = settings.instanceId ?? `agents-${randomUUID().slice(0, 8)}`;

  const goalStore = new GoalStore(db);
  const goalChanges = new GoalChangeStore(db);
  const team = new TeamStore(db);
  const mode = new ModeStore(db);
  const decisions = new DecisionStore(db);
  const firings = new FiringStore(db);
  const claims = new ClaimStore(db);
  const activeEffects = new ActiveEffectStore(db);
  const clientErrors = new ClientErrorStore(db);
  const limiter = new WindowRateLimiter(db, 'client_errors');
  const incidents = new IncidentStore(db);
  const notifications =
    settings.ownerNotifier ?? new RemoteOwnerNotifier(settings.serviceUrls ?? {}, settings.internalSecret);
  const vehicles = new VehicleRegistry(db);
  const lease = new LeaseStore(db);
  const alerts = new SeenAlertStore(db);
  const bookingsSeen = new BookingSeenStore(db);
  const opsAlerts = new OpsAlertStore(db);
  const outcomeQueue = new OutcomeQueue(db);
  const recentActions = new RecentActions(db);
  await Promise.all(
    [
      decisions,
      firings,
      activeEffects,
      clientErrors,
      limiter,
      incidents,
      vehicles,
      goalChanges,
      lease,
      alerts,
      bookingsSeen,
      opsAlerts,
      outcomeQueue,
      recentActions,
    ].map((s) => s.init()),
  );
  await goalStore.seed(GOAL_DEFINITIONS, now);
  await team.seed(TEAM, now);
  await mode.init(settings.defaultMode, now);

  const goals = new GoalService(goalStore, goalChanges, clock);
  const arms = new ArmStore(db);
  const events = new DecisionEvents(bus, logger);
  const router = new ProviderRouter({ providers: settings.providers, clock, logger });
  const offenders = new ClientOffenders({ bus, clientErrors, clock });
  await offenders.start();
  const budget = actionBudget(settings);
  const approvalTtlMs = settings.approvalTtlMs ?? 3_600_000;
  const effects = createEffectRegistry({
    db,
    bus,
    activeEffects,
    incidents,
    notifications,
    alerts,
    offenders,
    declaredIndexes: AGENTS_INDEXES,
    indexCheckers: remoteIndexCheckers(settings.serviceUrls ?? {}, settings.internalSecret),
  });
  // Owner notifications are judged by whether the owners acted, over a window of their own.
  const judges: ActionJudges = {
    notify_critical_owners: ownerResponseJudge({
      alerts,
      bookings: bookingsSeen,
      windowMs: settings.ownerResponseMs ?? DEFAULT_OWNER_RESPONSE_MS,
    }),
  };
  const runner = new DecisionRunner({
    decisions,
    effects,
    events,
    claims,
    outcomes: outcomeQueue,
    recentActions,
    mode,
    budget,
    clock,
    outcomeDelayMs: settings.outcomeDelayMs,
    outcomeDelays: Object.fromEntries(Object.entries(judges).map(([action, judge]) => [action, judge.delayMs])),
    logger,
  });
  const board = new GatewayMetricsBoard(3 * settings.gatewayMetricsIntervalMs);
  // The traffic of the last hours, kept across restarts: the throughput baseline needs half an
  // hour of it, and would otherwise be blind for that long after every start.
  const trafficMinutes = new TrafficMinuteStore(db);
  await trafficMinutes
    .since(clock.now() - TRAFFIC_HISTORY_MS)
    .then((minutes) => board.restore(minutes, clock.now()))
    .catch((err: unknown) => logger.warn({ err }, 'agents: traffic history not restored'));
  let savedMinute = Math.floor(clock.now() / 60_000);
  const saveTraffic = () => {
    const minute = Math.floor(clock.now() / 60_000);
    // Once a minute, after it closed; never while the database is known to be down.
    if (minute === savedMinute || !detector.databaseReachable()) return;
    savedMinute = minute;
    const now = clock.now();
    void trafficMinutes
      .save(board.closedMinutes(now).slice(-10), now - TRAFFIC_HISTORY_MS)
      .catch((err: unknown) => logger.warn({ err }, 'agents: traffic minutes not saved'));
  };
  const failedLogins = new FailedLoginWindow();
  const loopStatus = new LoopStatusStore(db);
  const logLevel = listenForLogLevel(bus, 'agents', logger);

  const observations = new ObservationCollector({
    board,
    clientErrors,
    failedLogins,
    alerts,
    opsAlerts,
    clock,
    ...(settings.objectives ? { objectives: settings.objectives } : {}),
  });
  // The metric rules with the configured lines (AGENTS_P95_THRESHOLD_MS).
  const rules = metricRules({ p95ThresholdMs: settings.p95ThresholdMs });
  const detectorMetrics = new DetectorMetrics();
  const detector = new IncidentDetector({
    observations,
    metrics: detectorMetrics,
    rules: memoryRules(rules),
    logger,
    wake: (reason) => autonomousLoop.wake(reason),
  });
  // The feeds wake the loop, which is built further down from the tick that reads the feeds.
  const feeds = new LiveFeeds({
    bus,
    goals,
    board,
    failedLogins,
    identity: settings.identityUrl ? new HttpIdentityStats(settings.identityUrl, settings.internalSecret) : null,
    vehicles,
    measures: new GoalMeasures({
      goals,
      vehicles: settings.serviceUrls?.vehicles
        ? vehiclesClient({ url: settings.serviceUrls.vehicles, internalSecret: settings.internalSecret })
        : null,
      alerts,
      payments: new PaymentsRevenue(settings.serviceUrls ?? {}, settings.internalSecret),
      now: () => clock.now(),
      logger,
    }),
    clock,
    logger,
    wake: (reason) => autonomousLoop.wake(reason),
    onTraffic: () => {
      detector.check('gateway snapshot');
      saveTraffic();
    },
  });
  const tick = new AutonomousTick({
    mode,
    feeds,
    observations,
    detector,
    goals,
    states: new TriggerStateStore(db),
    firings,
    incidents,
    maker: new DecisionMaker({
      router,
      arms,
      effects,
      seed: settings.seed,
      controlShare: settings.controlShare ?? 0,
      logger,
    }),
    decisions,
    recentActions,
    runner,
    outcomes: new OutcomeEvaluator({
      decisions,
      queue: outcomeQueue,
      arms,
      team,
      runner,
      events,
      claims,
      clock,
      logger,
      delayMs: settings.outcomeDelayMs,
      judges,
    }),
    activeEffects,
    clientErrors,
    limiter,
    team,
    events,
    status: loopStatus,
    bus,
    clock,
    logger,
    settings: {
      routines: settings.routines,
      approvalActions: settings.approvalActions,
      budget,
      approvalTtlMs,
      instanceId,
      goalRepeatMs: settings.goalRepeatMs,
      rules,
    },
  });
  const autonomousLoop = new AutonomousLoop({
    lease,
    tick,
    status: loopStatus,
    intervalMs: settings.loopIntervalMs,
    leaseMs: settings.leaseMs,
    clock,
    logger,
    instanceId,
    detector,
  });

  const status = new StatusService({
    mode,
    lease,
    status: loopStatus,
    loop: autonomousLoop,
    decisions,
    recentActions,
    activeEffects,
    bus,
    logger,
    router,
    logLevel,
    clock,
    intervalMs: settings.loopIntervalMs,
    maxActionsPerHour: settings.maxActionsPerHour,
  });
  const clientErrorService = new ClientErrorService({
    store: clientErrors,
    limiter,
    policy: new RateLimitPolicy(activeEffects),
    baseLimitPerMinute: settings.clientErrorsPerMinute,
    bus,
    clock,
    logger,
  });

  const schema = await buildAgentsSchema({
    goals,
    goalChanges,
    team,
    mode,
    clock,
    clientErrors: clientErrorService,
    firings,
    decisions,
    approvals: new ApprovalService({ decisions, runner, mode, events, claims, clock }),
    arms,
    seed: settings.seed,
    status,
    loop: autonomousLoop,
    incidents,
    router,
    deployer: new TeamDeployer({
      status,
      mode,
      router,
      observations,
      wake: (reason) => autonomousLoop.wake(reason),
      routines: settings.routines,
      rules,
      clock,
      logger,
    }),
  });

  await feeds.start();
  const consumerMetrics = new StreamConsumerMetrics();
  const alertConsumer = consumeHealthAlerts({
    bus,
    alerts,
    goals,
    consumer: instanceId,
    clock,
    logger,
    metrics: consumerMetrics,
    wake: () => autonomousLoop.wake('critical_alert'),
  });
  const bookingConsumer = consumeBookingChanges({
    bus,
    bookings: bookingsSeen,
    consumer: instanceId,
    metrics: consumerMetrics,
  });
  const opsAlertConsumer = consumeOpsAlerts({
    bus,
    alerts: opsAlerts,
    consumer: instanceId,
    clock,
    logger,
    metrics: consumerMetrics,
    wake: () => autonomousLoop.wake('ops_alert'),
  });
  await feeds.refresh().catch((err: unknown) => logger.warn({ err }, 'agents: first goal refresh failed'));
  // Without autoStart (tests, benchmarks) nothing runs in the background: deployTeam checks on demand.
  const providerChecks = settings.autoStart
    ? startProviderChecks(router, { intervalMs: settings.providerCheckMs ?? 300_000, logger })
    : { stop: () => undefined };
  if (settings.autoStart) autonomousLoop.start();
  logger.info({ instance: autonomousLoop.instanceId, autoStart: settings.autoStart }, 'agents: ready');

  const live = { bus, maxQueue: settings.subscriberQueue };
  return {
    name: 'agents',
    schema,
    loop: autonomousLoop,
    registerMetrics: (registry) => {
      consumerMetrics.register(registry);
      detectorMetrics.register(registry);
    },
    context: (): Pick<AgentsContext, 'live'> => ({ live }),
    healthChecks: { database: databaseCheck(db) },
    async stop() {
      await autonomousLoop.stop();
      await alertConsumer.stop();
      await opsAlertConsumer.stop();
      await bookingConsumer.stop();
      feeds.stop();
      offenders.stop();
      logLevel.stop();
      providerChecks.stop();
    },
  };
}
