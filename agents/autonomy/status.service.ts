import type { LogLevelListener } from '../../platform/ops/log-level.js';
import type { Clock } from '../clock.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import type { RecentActions } from '../decisions/recent-actions.store.js';
import type { ActiveEffectStore } from '../effects/active-effect.store.js';
import type { AutonomousLoop } from '../loop/autonomous-loop.js';
import type { LeaseStore } from '../loop/lease.store.js';
import type { LoopStatusStore } from '../loop/loop-status.store.js';
import type { ProviderRouter } from '../providers/router.js';
import type { AutonomousModeValue } from '../settings.js';
import type { AutonomousMode } from './autonomous-mode.type.js';
import type { AutonomousStatus } from './autonomy.type.js';
import type { ModeStore } from './mode.store.js';
import { providerStatuses } from './provider-status.js';

export class StatusService {
  constructor(
    private readonly deps: {
      mode: ModeStore;
      lease: LeaseStore;
      status: LoopStatusStore;
      loop: AutonomousLoop;
      decisions: DecisionStore;
      recentActions: RecentActions;
      activeEffects: ActiveEffectStore;
      router: ProviderRouter;
      logLevel: LogLevelListener;
      clock: Clock;
      intervalMs: number;
      maxActionsPerHour: number;
    },
  ) {}

  async status(): Promise<AutonomousStatus> {
    const d = this.deps;
    const now = new Date(d.clock.now());
    const [mode, lease, loop, actionsInLastHour, pendingApprovals, effects] = await Promise.all([
      d.mode.get(),
      d.lease.current(),
      d.status.get(),
      d.recentActions.countSince(new Date(now.getTime() - 3_600_000)),
      d.decisions.countWithStatus('APPROVAL_REQUIRED'),
      d.activeEffects.listActive(now),
    ]);
    const leaseLive = lease !== null && lease.expiresAt > now;
    return {
      mode: mode.mode as AutonomousMode,
      running: mode.mode !== 'OFF' && leaseLive,
      leaderId: leaseLive ? lease.holder : null,
      leaseExpiresAt: lease?.expiresAt ?? null,
      instanceId: d.loop.instanceId,
      isLeader: d.loop.isLeader(),
      lastTickAt: loop.lastTickAt,
      lastTickDurationMs: loop.lastTickDurationMs,
      lastTickReason: loop.lastTickReason,
      nextTickAt: loop.nextTickAt,
      intervalSeconds: Math.round(d.intervalMs / 1000),
      modeChangedAt: mode.changedAt,
      modeChangedBy: mode.changedBy,
      actionsInLastHour,
      maxActionsPerHour: d.maxActionsPerHour,
      pendingApprovals,
      activeEffects: effects.map(({ decisionId, action, kind, target, value, appliedAt, expiresAt }) => ({
        decisionId,
        action,
        kind,
        target,
        value,
        appliedAt,
        expiresAt,
      })),
      logLevel: d.logLevel.current(),
      providers: providerStatuses(d.router),
    };
  }

  async setMode(mode: AutonomousModeValue, adminId: string): Promise<AutonomousStatus> {
    await this.deps.mode.set(mode, adminId, new Date(this.deps.clock.now()));
    return this.status();
  }
}
