import { ObjectId } from 'mongodb';
import type { Logger } from '../../platform/logger.js';
import { actionsForCategory, getAction, type ActionId } from '../actions/catalogue.js';
import type { EffectRegistry, DecisionTargets } from '../effects/effect.js';
import type { FiringDocument } from '../firings/firing.store.js';
import type { ArmStore } from '../learning/arm.store.js';
import { isControlDraw } from '../learning/control-arm.js';
import { armReports } from '../learning/learning-state.js';
import { chooseAction, type Selection } from '../learning/selection.js';
import { createRng } from '../learning/prng.js';
import { defaultTaskClass, taskClassFor } from '../providers/config.js';
import { policyDecide } from '../providers/policy.js';
import type { ProviderRouter } from '../providers/router.js';
import type { DecisionRequest, RouterResult } from '../providers/types.js';
import type { AutonomousModeValue } from '../settings.js';
import { ownerOf } from '../team/team-definitions.js';
import { proposedState, type DecisionDocument, type DecisionOptionRecord } from './decision.document.js';

interface Candidate {
  action: ActionId;
  targets: DecisionTargets;
}

const describeOptions = (options: readonly DecisionOptionRecord[]) =>
  options
    .map((o) => `${o.action} drew ${o.score.toFixed(2)} (mean ${o.expectedSuccess.toFixed(2)}, ${o.pulls} outcomes)`)
    .join('; ');

const describeHelps = (selection: Selection) =>
  `doing nothing recovers ${Math.round(selection.baseline * 100)} % of the time; chance each helps: ${selection.helps
    .map((h) => `${h.action} ${Math.round(h.helps * 100)} %`)
    .join(', ')}`;

/**
 * Turns a firing into a decision, not yet stored or acted on:
 * 1. the owner of the trigger's category decides;
 * 2. eligible actions are the category's catalogue actions that have an effect here and
 *    whose targets pass the effect's check with the parameters the policy would use;
 * 3. the action most likely to help compared with doing nothing is picked, or one whose next
 *    outcome would tell more (learning/selection.ts, seeded per firing, so replayable);
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
      /** The share of low-risk firings left alone on purpose, as controls (AGENTS_CONTROL_SHARE). */
      controlShare?: number;
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
    let selection: Selection | null = null;
    let learned: Record<string, string> = {};
    if (candidates.length > 0) {
      const state = await this.deps.arms.state();
      learned = learnedRates(state, firing.kind, candidates);
      const choice = chooseAction(
        state,
        firing.kind,
        candidates.map((c) => c.action),
        createRng(seed),
        await this.deps.arms.expectedCourse(firing.kind),
      );
      selection = choice;
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

    const control =
      chosen !== null &&
      isControlDraw({
        share: this.deps.controlShare ?? 0,
        risk: getAction(chosen.action).risk,
        rng: createRng(`${seed}:control`),
      });
    // A model (when one answers) chooses among every eligible action, given what was learnt
    // about each; without one, the bandit's pick stands. The guardrails judge either.
    const routed = control
      ? controlDecision(chosen!.action)
      : await this.deps.router.decide({
          ...base,
          // Reports and owner messages go to the creative route; a trigger still being explored
          // (few outcomes learned) to the experimental one (providers/config.ts).
          taskClass: taskClassFor(firing.kind, { learnedOutcomes: options.reduce((n, o) => n + o.pulls, 0) }),
          eligibleActions: [...candidates.map((c) => c.action), 'no_op'],
          targets: mergeTargets(candidates),
          context: { ...base.context, ...learned },
        });
    const byModel = !control && routed.provider !== 'policy';
    const decision =
      byModel || control || !chosen
        ? routed.decision
        : policyDecide({ ...base, eligibleActions: [chosen.action, 'no_op'], targets: chosen.targets });
    const definition = getAction(decision.action);
    const why = control
      ? `${chosen!.action} was chosen, but this firing was drawn as a no-op control: nothing is done, to measure what the metric does on its own.`
      : chosen
        ? `${chosen.action} ${selection!.exploring ? 'is not the likeliest to help yet, but its next outcome would tell the most' : 'is the likeliest to help'} compared with doing nothing (${describeHelps(selection!)}), among ${options.length} eligible action(s): ${describeOptions(options)}.${byModel ? ` The model chose ${decision.action}.` : ''}`
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
      choice: {
        bandit: chosen?.action ?? null,
        model: byModel ? decision.action : null,
        control,
      },
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
      ...proposedState(now),
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

/** Every candidate's targets together: the model may aim any eligible action at its own. */
function mergeTargets(candidates: readonly Candidate[]): DecisionTargets {
  const vehicleIds = [...new Set(candidates.flatMap((c) => c.targets.vehicleIds ?? []))];
  const services = [...new Set(candidates.flatMap((c) => c.targets.services ?? []))];
  const clients = candidates.find((c) => c.targets.clients?.length)?.targets.clients ?? [];
  return {
    ...(vehicleIds.length ? { vehicleIds } : {}),
    ...(services.length ? { services } : {}),
    ...(clients.length ? { clients } : {}),
  };
}

/** What was learnt about each candidate, as prompt facts (numbers we computed, nothing a client typed). */
function learnedRates(
  state: Awaited<ReturnType<ArmStore['state']>>,
  kind: string,
  candidates: readonly Candidate[],
): Record<string, string> {
  const reports = armReports(state, 'no_op').filter((r) => r.triggerKind === kind);
  const facts: Record<string, string> = {};
  for (const { action } of candidates) {
    const r = reports.find((x) => x.action === action);
    const pct = (n: number | null) => (n === null ? 'unknown' : `${Math.round(n * 100)} %`);
    facts[`learned_${action}`] = r
      ? `success ${pct(r.successRate)}, uplift over doing nothing ${pct(r.upliftOverControl)}, ${r.samples} outcomes`
      : 'never tried';
  }
  return facts;
}

function controlDecision(wouldHaveChosen: ActionId): RouterResult {
  return {
    decision: {
      action: 'no_op',
      parameters: {},
      reasoning: `No-op control: ${wouldHaveChosen} would have been chosen.`,
      confidence: 1,
    },
    provider: 'policy',
    model: 'control',
    costUsd: 0,
    latencyMs: 0,
    attempts: [],
  };
}
