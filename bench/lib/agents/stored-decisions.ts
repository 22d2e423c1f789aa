import { ObjectId, type Db } from 'mongodb';
import { ACTION_IDS, getAction } from '../../../agents/actions/catalogue.js';
import type { DecisionDocument, DecisionStatusValue } from '../../../agents/decisions/decision.document.js';
import { DecisionStore } from '../../../agents/decisions/decision.store.js';
import { ownerOf } from '../../../agents/team/team-definitions.js';
import { categoryOf, TRIGGER_KINDS, type TriggerKind } from '../../../agents/triggers/categories.js';

/** How a long-running deployment's decisions split by status. */
const STATUS_MIX: Array<[DecisionStatusValue, number]> = [
  ['EXECUTED', 0.6],
  ['PROPOSED', 0.2],
  ['REJECTED', 0.1],
  ['ROLLED_BACK', 0.05],
  ['FAILED', 0.04],
  ['APPROVAL_REQUIRED', 0.01],
];

function statusAt(i: number, n: number): DecisionStatusValue {
  let edge = 0;
  for (const [status, share] of STATUS_MIX) {
    edge += share * n;
    if (i < edge) return status;
  }
  return 'EXECUTED';
}

/**
 * `count` decisions as the loop would have stored them over the last `days`, spread over every
 * trigger kind, member and status, written straight to the agents database (what is measured
 * is reading them back). Already judged, so ticks find no outcome due.
 */
export async function storeDecisions(agentsDb: Db, count: number, days = 30): Promise<void> {
  const kinds = Object.keys(TRIGGER_KINDS) as TriggerKind[];
  const now = Date.now();
  const batch: DecisionDocument[] = [];
  const store = new DecisionStore(agentsDb);
  await store.init();
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const category = categoryOf(kind);
    const action = ACTION_IDS[i % ACTION_IDS.length];
    const at = new Date(now - ((count - i) / count) * days * 86_400_000);
    const status = statusAt((i * 7919) % count, count);
    const executed = status === 'EXECUTED' || status === 'ROLLED_BACK';
    batch.push({
      _id: ObjectId.createFromTime(Math.floor(at.getTime() / 1000)),
      trigger: {
        firingId: null,
        kind,
        category,
        metric: 'bench',
        subject: 'global',
        value: 40,
        threshold: 25,
        firedAt: at,
      },
      category,
      metrics: [
        { name: 'client_errors_per_minute', value: 40 },
        { name: 'failed_logins_per_minute', value: 0 },
      ],
      options: [
        { action, score: 0.7, expectedSuccess: 0.5, pulls: i % 20, risk: getAction(action).risk, chosen: true },
      ],
      action,
      parameters: {},
      risk: getAction(action).risk,
      reversible: getAction(action).reversible,
      reasoning: `Bench decision ${i}: the standing response to ${kind}.`,
      confidence: 0.5,
      memberId: ownerOf(category).id,
      provider: 'policy',
      model: 'policy',
      costUsd: 0,
      latencyMs: 1,
      attempts: [],
      fallbackReason: 'no_provider_available',
      seed: `bench:${i}`,
      mode: 'ON',
      status,
      statusReason: null,
      createdAt: at,
      updatedAt: at,
      executedAt: executed ? at : null,
      execution: executed ? { summary: 'bench', success: true } : null,
      approvedBy: null,
      approvedAt: null,
      rejectedBy: null,
      rejectionReason: null,
      outcomeDueAt: executed ? at : null,
      outcome: executed
        ? { metric: 'bench', before: 40, after: 10, success: i % 3 !== 0, note: 'bench', evaluatedAt: at }
        : null,
      rolledBackAt: status === 'ROLLED_BACK' ? at : null,
    });
    if (batch.length === 1000) await store.insertMany(batch.splice(0));
  }
  await store.insertMany(batch);
}
