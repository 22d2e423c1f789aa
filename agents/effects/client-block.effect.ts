import type { EventBus } from '../../platform/events/bus.js';
import { RATE_LIMIT_TOPIC, type ClientBlockCommand, type ClientKey } from '../../platform/ops/rate-limit-overrides.js';
import type { ActiveEffectDocument, ActiveEffectStore } from './active-effect.store.js';
import { isSharedAddress, type ClientOffenders } from './client-offenders.js';
import type { Effect, EffectContext } from './effect.js';

export const clientTarget = (client: ClientKey) => `${client.kind}:${client.id}`;

export function clientOf(effect: Pick<ActiveEffectDocument, 'target'>): ClientKey {
  const at = effect.target.indexOf(':');
  return { kind: effect.target.slice(0, at) as ClientKey['kind'], id: effect.target.slice(at + 1) };
}

export const publishClientBlock = (bus: EventBus, command: ClientBlockCommand): Promise<void> =>
  bus.publish<ClientBlockCommand>(RATE_LIMIT_TOPIC, command);

export const liftClientBlock = (bus: EventBus, client: ClientKey, decisionId?: string): Promise<void> =>
  publishClientBlock(bus, { client, blocked: false, until: null, decisionId });

/**
 * Blocks one client at every gateway for a while: the targeted answer to one abuser, before
 * anything that every caller would feel. The targets are the clients behind the burst
 * (ClientOffenders), and only they can be blocked; admins never are (the gateway exempts them).
 */
export function clientBlockEffect(
  effects: ActiveEffectStore,
  bus: EventBus,
  offenders: Pick<ClientOffenders, 'current'>,
): Effect<'block_client'> {
  return {
    action: 'block_client',
    targets: async () => {
      const clients = await offenders.current();
      return clients.length ? { clients } : {};
    },
    async refuse({ client }) {
      if (client.kind === 'ip' && isSharedAddress(client.id))
        return `${client.id} stands for many clients (loopback or unspecified): never blocked`;
      const current = await offenders.current();
      return current.some((c) => c.kind === client.kind && c.id === client.id)
        ? null
        : `${client.kind} ${client.id} is not among the clients behind this burst`;
    },
    async apply({ client, durationMinutes }, { decisionId, now }: EffectContext) {
      const expiresAt = new Date(now.getTime() + durationMinutes * 60_000);
      await effects.add({
        decisionId,
        action: 'block_client',
        kind: 'client_block',
        target: clientTarget(client),
        value: 'blocked',
        appliedAt: now,
        expiresAt,
      });
      await publishClientBlock(bus, { client, blocked: true, until: expiresAt.getTime(), decisionId });
      return { summary: `${client.kind} ${client.id} blocked for ${durationMinutes} min`, success: true };
    },
    async revert({ decisionId, now }: EffectContext) {
      const undone: string[] = [];
      for (const effect of await effects.forDecision(decisionId)) {
        if (!(await effects.markReverted(effect._id, 'rollback', now))) continue;
        await liftClientBlock(bus, clientOf(effect), decisionId);
        undone.push(effect.target);
      }
      return undone.length ? `${undone.join(', ')} unblocked` : 'nothing left to undo';
    },
  };
}
