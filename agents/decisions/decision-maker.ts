import { ObjectId } from 'mongodb';
import type { Logger } from '../../platform/logger.js';
import { actionsForCategory, getAction, type ActionId } from '../actions/catalogue.js';
import type { EffectRegistry, DecisionTargets } from '../effects/effect.js';
import type { FiringDocument } from '../firings/firing.store.js';
import type { ArmStore } from '../learning/arm.store.js';
import { selectAction } from '../learning/learning-state.js';
import { createRng } from '../learning/prng.js';
import { defaultTaskClass } from '../providers/config.js';
import { policyDecide } from '../providers/policy.js';
import type { ProviderRouter } from '../providers/router.js';
import type { DecisionRequest } from '../providers/types.js';
import type { AutonomousModeValue } from '../settings.js';
import { ownerOf } from '../team/team-definitions.js';
import type { DecisionDocument, DecisionOptionRecord } from './decision.document.js';

interface Candidate {
  action: ActionId;
  targets: DecisionTargets;
}

const describeOptions = (options: readonly DecisionOptionRecord[]) =>
  options
    .map((o) => `${o.action} drew ${o.score.toFixed(2)} (mean ${o.expectedSuccess.toFixed(2)}, ${o.pulls} outcomes)`)
    .join('; ');

/**
 * Turns a firing into a decision, not yet stored or acted on:
 * 1. the owner of the trigger's category decides;
 * 2. eligible actions are the category's catalogue actions that have an effect here and
 *    whose targets pass the effect's check with the parameters the policy would use;
 * 3. Thompson sampling (seeded per firing, so replayable) picks one of them;
 * 4. the provider router (a model, or the policy) sets its parameters and reasoning, and
 *    may still decline with no_op.
 */
export class DecisionMaker {
  constructor(
    private readonly deps: {
      router: ProviderRouter;
      arms: ArmStore;
      effects: EffectRegistry;
      seed: number;
      logger: Logger;
    },
  ) {}

  async decide(
    firing: FiringDocument,
    metrics: Record<string, number>,
    mode: AutonomousModeValue,
    now: Date,
  ): Promise<DecisionDocument> {
    const member = ownerOf(firing.category);
    const taskClass = defaultTaskClass(firing.category);
    const observed = { ...metrics, [firing.metric]: firing.value };
    const base: Omit<DecisionRequest, 'eligibleActions' | 'targets'> = {
      taskClass,
      triggerKind: firing.kind,
      metrics: observed,
      context: { member: member.role, subject: firing.subject, threshold: firing.threshold },
    };

    const candidates = await this.eligible(base, firing);
    const seed = `${this.deps.seed}:${firing.dedupKey}`;
    let options: DecisionOptionRecord[] = [];
    let chosen: Candidate | null = null;
    if (candidates.length > 0) {
      const state = await this.deps.arms.state();
      const choice = selectAction(
        state,
        firing.kind,
        candidates.map((c) => c.action),
        createRng(seed),
      );
      chosen = candidates.find((c) => c.action === choice.action)!;
      options = choice.samples.map((s) => ({
        action: s.action as ActionId,
        score: s.sample,
        expectedSuccess: s.expectedSuccess,
        pulls: s.pulls,
        risk: getAction(s.action as ActionId).risk,
        chosen: s.action === choice.action,
      }));
    }

    const routed = await this.deps.router.decide({
      ...base,
      eligibleActions: chosen ? [chosen.action, 'no_op'] : ['no_op'],
      targets: chosen?.targets ?? {},
    });
    const { decision } = routed;
    const definition = getAction(decision.action);
    const why = chosen
      ? `Thompson sampling chose ${chosen.action} among ${options.length} eligible action(s): ${describeOptions(options)}.`
      : 'No action with an effect here applies to these targets, so nothing is done.';
    this.deps.logger.info(
      { firing: firing.dedupKey, member: member.id, action: decision.action, provider: routed.provider },
      'agents: decided',
    );
    return {
      _id: new ObjectId(),
      trigger: {
        firingId: firing._id.toHexString(),
        kind: firing.kind,
        category: firing.category,
        metric: firing.metric,
        subject: firing.subject,
        value: firing.value,
        threshold: firing.threshold,
        firedAt: firing.firedAt,
      },
      category: firing.category,
      metrics: Object.entries(observed).map(([name, value]) => ({ name, value })),
      options,
      action: decision.action,
      parameters: decision.parameters,
      risk: definition.risk,
      reversible: definition.reversible,
      reasoning: `${member.name} (${member.role}): ${decision.reasoning} ${why}`.slice(0, 4000),
      confidence: decision.confidence,
      memberId: member.id,
      provider: routed.provider,
      model: routed.model,
      costUsd: routed.costUsd,
      latencyMs: routed.latencyMs,
      attempts: routed.attempts,
      fallbackReason: routed.fallbackReason ?? null,
      seed,
      mode,
      status: 'PROPOSED',
      statusReason: null,
      createdAt: now,
      updatedAt: now,
      executedAt: null,
      execution: null,
      approvedBy: null,
      approvedAt: null,
      rejectedBy: null,
      rejectionReason: null,
      outcomeDueAt: null,
      outcome: null,
      rolledBackAt: null,
    };
  }

  /** Actions that can really be carried out here, against targets their effect accepts. */
  private async eligible(
    base: Omit<DecisionRequest, 'eligibleActions' | 'targets'>,
    firing: FiringDocument,
  ): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    for (const action of actionsForCategory(firing.category)) {
      const effect = this.deps.effects.get(action);
      if (action === 'no_op' || !effect) continue;
      const targets = await effect.targets();
      const probe = policyDecide({ ...base, targets, eligibleActions: [action] });
      if (probe.action !== action) continue;
      if (await effect.refuse(probe.parameters as never)) continue;
      candidates.push({ action, targets });
    }
    return candidates;
  }
}
