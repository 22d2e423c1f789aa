import { createHash } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import { ACTION_IDS, getAction } from '../../agents/actions/catalogue.js';
import type { DecisionDocument, DecisionStatusValue } from '../../agents/decisions/decision.document.js';
import { DecisionStore } from '../../agents/decisions/decision.store.js';
import { ownerOf } from '../../agents/team/team-definitions.js';
import { categoryOf, TRIGGER_KINDS, type TriggerKind } from '../../agents/triggers/categories.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

/*
 * The operations team's history: decisions as the autonomous loop stores them (a trigger, the
 * options it weighed, the action, its status and outcome), written through the agents'
 * DecisionStore, which keeps the decisions and the entries its lists read in step. There is no
 * API to create decisions (only the loop makes them), so the seed writes through the store, as
 * the issue allows, with the store's own documents: every action, member and category is one
 * the catalogue and team define.
 */

/** How a long-running deployment's decisions split by status. */
const STATUS_MIX: [DecisionStatusValue, number][] = [
  ['EXECUTED', 0.6],
  ['PROPOSED', 0.2],
  ['REJECTED', 0.1],
  ['ROLLED_BACK', 0.05],
  ['FAILED', 0.04],
  ['APPROVAL_REQUIRED', 0.01],
];

function statusOf(slot: number): DecisionStatusValue {
  let edge = 0;
  for (const [status, share] of STATUS_MIX) {
    edge += share;
    if (slot < edge) return status;
  }
  return 'EXECUTED';
}

/** A fixed id per scale and number, so a resumed seed writes each decision once. */
function decisionId(scaleName: string, index: number, at: Date): ObjectId {
  const tail = createHash('sha256').update(`seed-decision:${scaleName}:${index}`).digest().subarray(0, 8);
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(at.getTime() / 1000), 0);
  tail.copy(bytes, 4);
  return new ObjectId(bytes);
}

export function seedDecision(scaleName: string, index: number, count: number, days: number, anchor: Date) {
  const kinds = Object.keys(TRIGGER_KINDS) as TriggerKind[];
  const kind = kinds[index % kinds.length]!;
  const category = categoryOf(kind);
  const action = ACTION_IDS[(index * 7) % ACTION_IDS.length]!;
  const { risk, reversible } = getAction(action);
  const at = new Date(anchor.getTime() - ((count - index) / count) * days * 86_400_000);
  const status = statusOf(((index * 7919) % count) / count);
  const executed = status === 'EXECUTED' || status === 'ROLLED_BACK';
  const value = 20 + (index % 40);
  const doc: DecisionDocument = {
    _id: decisionId(scaleName, index, at),
    trigger: { firingId: null, kind, category, metric: kind, subject: 'global', value, threshold: 20, firedAt: at },
    category,
    metrics: [{ name: kind, value }],
    options: [{ action, score: 0.7, expectedSuccess: 0.6, pulls: index % 25, risk, chosen: true }],
    action,
    parameters: {},
    risk,
    reversible,
    reasoning: `${kind.replaceAll('_', ' ')} at ${value} against a threshold of 20: ${action.replaceAll('_', ' ')} is the response with the best record for it.`,
    confidence: 0.6,
    memberId: ownerOf(category).id,
    provider: 'policy',
    model: 'policy',
    costUsd: 0,
    latencyMs: 1,
    attempts: [],
    fallbackReason: 'no_provider_available',
    seed: `seed:${scaleName}:${index}`,
    mode: 'ON',
    status,
    statusReason: status === 'REJECTED' ? 'Not now' : null,
    createdAt: at,
    updatedAt: at,
    executedAt: executed ? at : null,
    execution: executed ? { summary: `${action} done`, success: true } : null,
    approvedBy: null,
    approvedAt: null,
    rejectedBy: null,
    rejectionReason: status === 'REJECTED' ? 'Not now' : null,
    outcomeDueAt: executed ? at : null,
    outcome: executed
      ? { metric: kind, before: value, after: value / 2, success: index % 3 !== 0, note: 'seeded', evaluatedAt: at }
      : null,
    rolledBackAt: status === 'ROLLED_BACK' ? at : null,
  };
  return doc;
}

export const DECISIONS_PER_BATCH = 500;

/**
 * Decisions `from` to `count` - 1 (of `count`, spread over `days` up to `anchor`), in batches
 * through the store. A batch that a crash cut short is written again; its decisions that made
 * it already are left as they are.
 */
export async function seedDecisions(
  agentsDb: Db,
  options: { scaleName: string; count: number; days: number; anchor: Date; from: number },
  onBatch: (done: number) => void,
): Promise<void> {
  const store = new DecisionStore(agentsDb);
  await store.init();
  for (let start = options.from; start < options.count; start += DECISIONS_PER_BATCH) {
    const end = Math.min(options.count, start + DECISIONS_PER_BATCH);
    const docs = Array.from({ length: end - start }, (_, i) =>
      seedDecision(options.scaleName, start + i, options.count, options.days, options.anchor),
    );
    try {
      await store.insertMany(docs);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      for (const doc of docs) {
        if (!(await store.findById(doc._id))) await store.insert(doc);
      }
    }
    onBatch(end);
  }
}
