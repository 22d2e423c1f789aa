import { ObjectId } from 'mongodb';
import { BadUserInputError, ConflictError, NotFoundError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import type { LogLevelListener } from '../../platform/ops/log-level.js';
import type { Clock } from '../clock.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import type { RecentActions } from '../decisions/recent-actions.store.js';
import type { ActiveEffectDocument, ActiveEffectStore } from '../effects/active-effect.store.js';
import { endAllEffects, endEffect } from '../effects/end-effects.js';
import type { AutonomousLoop } from '../loop/autonomous-loop.js';
import type { LeaseStore } from '../loop/lease.store.js';
import type { LoopStatusStore } from '../loop/loop-status.store.js';
import type { ProviderRouter } from '../providers/router.js';
import type { AutonomousModeValue } from '../settings.js';
import type { AutonomousMode } from './autonomous-mode.type.js';
import type { ActiveEffect, AutonomousStatus } from './autonomy.type.js';
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
      bus: EventBus;
      logger?: Logger;
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
      activeEffects: effects.map(toActiveEffect),
      logLevel: d.logLevel.current(),
      providers: providerStatuses(d.router),
    };
  }

  /**
   * The kill switch. OFF also ends every effect the loop has in force (rate limits, blocks,
   * log levels): switching the team off undoes what it is doing, not only what it would do.
   * The mode is stored first, so nothing starts once the effects are being ended.
   */
  async setMode(mode: AutonomousModeValue, adminId: string): Promise<AutonomousStatus> {
    const now = new Date(this.deps.clock.now());
    await this.deps.mode.set(mode, adminId, now);
    if (mode === 'OFF') {
      const ended = await endAllEffects(this.deps.activeEffects, this.deps.bus, 'kill_switch', now, adminId);
      if (ended.length)
        this.deps.logger?.warn(
          { ended: ended.map((e) => e.target), by: adminId },
          'agents: OFF ended the effects in force',
        );
    }
    return this.status();
  }

  async activeEffects(): Promise<ActiveEffect[]> {
    return (await this.deps.activeEffects.listActive(new Date(this.deps.clock.now()))).map(toActiveEffect);
  }

  /** Ends one effect in force at once (and tells the gateways or services applying it). */
  async endEffect(rawId: string, adminId: string): Promise<ActiveEffect> {
    if (!/^[0-9a-f]{24}$/i.test(rawId)) throw new BadUserInputError('id: not an effect id');
    const id = new ObjectId(rawId);
    const now = new Date(this.deps.clock.now());
    const ended = await endEffect(this.deps.activeEffects, this.deps.bus, id, 'ended', now, adminId);
    if (ended) {
      this.deps.logger?.warn({ effect: rawId, target: ended.target, by: adminId }, 'agents: effect ended by an admin');
      return toActiveEffect(ended);
    }
    const existing = await this.deps.activeEffects.findById(id);
    if (!existing) throw new NotFoundError('Effect');
    throw new ConflictError(`This effect has ended already (${existing.revertReason ?? 'expired'})`);
  }
}

export const toActiveEffect = (e: ActiveEffectDocument): ActiveEffect => ({
  id: e._id.toHexString(),
  decisionId: e.decisionId,
  action: e.action,
  kind: e.kind,
  target: e.target,
  value: e.value,
  appliedAt: e.appliedAt,
  expiresAt: e.expiresAt,
  endedAt: e.revertedAt,
  endReason: e.revertReason,
  endedBy: e.endedBy ?? null,
});
