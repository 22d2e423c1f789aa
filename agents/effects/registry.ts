import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { ActionId } from '../actions/catalogue.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { ActiveEffectStore } from './active-effect.store.js';
import { clientBlockEffect } from './client-block.effect.js';
import type { ClientOffenders } from './client-offenders.js';
import type { Effect, EffectRegistry } from './effect.js';
import { indexCheckEffect, type IndexChecker } from './index-check.effect.js';
import { incidentEffect } from './incident.effect.js';
import type { IncidentStore } from './incident.store.js';
import { logLevelEffect } from './log-level.effect.js';
import { noOpEffect } from './no-op.effect.js';
import { notifyOwnersEffect } from './notify-owners.effect.js';
import type { OwnerNotifier } from './owner-notifier.js';
import { rateLimitEffect } from './rate-limits.effect.js';
import { recomputeHealthEffect } from './recompute-health.effect.js';

export interface EffectDeps {
  db: Db;
  bus: EventBus;
  activeEffects: ActiveEffectStore;
  incidents: IncidentStore;
  /** The notifications subgraph, for notify_critical_owners. */
  notifications: OwnerNotifier;
  alerts: SeenAlertStore;
  offenders: Pick<ClientOffenders, 'current'>;
  declaredIndexes: Readonly<Record<string, IndexDeclaration[]>>;
  /** The other services' index checks, through their contracts (index-checkers.ts). */
  indexCheckers?: Readonly<Record<string, IndexChecker>>;
}

/**
 * Catalogue actions with a real effect here (every one of them): recompute_vehicle_health asks
 * health through its command stream, block_client and the rate-limit actions reach the gateways
 * through platform/ops/rate-limit-overrides.ts.
 */
export function createEffectRegistry(deps: EffectDeps): EffectRegistry {
  const effects: Effect[] = [
    clientBlockEffect(deps.activeEffects, deps.bus, deps.offenders) as Effect,
    rateLimitEffect('tighten_rate_limits', deps.activeEffects, deps.bus) as Effect,
    rateLimitEffect('relax_rate_limits', deps.activeEffects, deps.bus) as Effect,
    logLevelEffect(deps.bus, deps.activeEffects) as Effect,
    incidentEffect(deps.incidents) as Effect,
    indexCheckEffect({
      own: { service: 'agents', db: deps.db, declared: deps.declaredIndexes },
      others: deps.indexCheckers ?? {},
    }) as Effect,
    notifyOwnersEffect(deps.notifications, deps.alerts) as Effect,
    recomputeHealthEffect(deps.bus, deps.alerts) as Effect,
    noOpEffect as Effect,
  ];
  return new Map<ActionId, Effect>(effects.map((e) => [e.action, e]));
}
