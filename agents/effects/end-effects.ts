import type { ObjectId } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import type { ActiveEffectDocument, ActiveEffectStore, RevertReason } from './active-effect.store.js';
import { clientOf, liftClientBlock } from './client-block.effect.js';
import { restoreGatewayLimit } from './gateway-rate-limits.js';
import { restoreLogLevel } from './log-level.effect.js';
import { isGatewayScope } from './rate-limit-policy.js';

/**
 * Tells whoever applies an effect that it has ended. Local scopes (client_errors) need no
 * message: their limiter reads the active effects. Gateways and processes end effects on their
 * own timers too; saying so keeps one whose clock runs behind from holding on.
 */
export async function announceEnd(bus: EventBus, effect: ActiveEffectDocument): Promise<void> {
  if (effect.kind === 'log_level') await restoreLogLevel(bus, effect.target);
  else if (effect.kind === 'client_block') await liftClientBlock(bus, clientOf(effect), effect.decisionId);
  else if (isGatewayScope(effect.target)) await restoreGatewayLimit(bus, effect.target, effect.decisionId);
}

/** Ends one effect still in force; null when there is none by that id, or it has ended already. */
export async function endEffect(
  effects: ActiveEffectStore,
  bus: EventBus,
  id: ObjectId,
  reason: RevertReason,
  now: Date,
  by: string | null = null,
): Promise<ActiveEffectDocument | null> {
  const effect = await effects.findById(id);
  if (!effect || effect.revertedAt || !(await effects.markReverted(id, reason, now, by))) return null;
  await announceEnd(bus, effect);
  return { ...effect, revertedAt: now, revertReason: reason, endedBy: by };
}

/** Ends every effect in force (the kill switch). */
export async function endAllEffects(
  effects: ActiveEffectStore,
  bus: EventBus,
  reason: RevertReason,
  now: Date,
  by: string | null = null,
): Promise<ActiveEffectDocument[]> {
  const ended: ActiveEffectDocument[] = [];
  for (const effect of await effects.listActive(now)) {
    const done = await endEffect(effects, bus, effect._id, reason, now, by);
    if (done) ended.push(done);
  }
  return ended;
}

/** Ends effects whose time is up, once, whichever instance gets there first. */
export async function expireEffects(
  effects: ActiveEffectStore,
  bus: EventBus,
  now: Date,
): Promise<ActiveEffectDocument[]> {
  const ended: ActiveEffectDocument[] = [];
  for (const effect of await effects.dueForExpiry(now)) {
    if (!(await effects.markReverted(effect._id, 'expired', now))) continue;
    await announceEnd(bus, effect);
    ended.push(effect);
  }
  return ended;
}
