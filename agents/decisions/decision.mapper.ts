import type { AutonomousMode } from '../autonomy/autonomous-mode.type.js';
import type { DecisionDocument } from './decision.document.js';
import type { Decision, DecisionStatus, ActionRisk } from './decision.type.js';

export function toDecision(doc: DecisionDocument): Decision {
  return {
    id: doc._id.toHexString(),
    status: doc.status as DecisionStatus,
    statusReason: doc.statusReason,
    reasoning: doc.reasoning,
    memberId: doc.memberId,
    action: doc.action,
    parameters: JSON.stringify(doc.parameters ?? {}),
    risk: doc.risk as ActionRisk,
    reversible: doc.reversible,
    confidence: doc.confidence,
    trigger: doc.trigger,
    category: doc.category,
    metrics: doc.metrics,
    options: doc.options.map((o) => ({ ...o, risk: o.risk as ActionRisk })),
    provider: doc.provider,
    model: doc.model,
    costUsd: doc.costUsd,
    latencyMs: doc.latencyMs,
    fallbackReason: doc.fallbackReason,
    providerAttempts: doc.attempts.map((a) => ({ ...a, status: a.status ?? null, error: a.error ?? null })),
    seed: doc.seed,
    mode: doc.mode as AutonomousMode,
    execution: doc.execution && doc.executedAt ? { ...doc.execution, at: doc.executedAt } : null,
    outcome: doc.outcome,
    outcomeDueAt: doc.outcomeDueAt,
    approvedBy: doc.approvedBy,
    approvedAt: doc.approvedAt,
    rejectedBy: doc.rejectedBy,
    rejectionReason: doc.rejectionReason,
    rolledBackAt: doc.rolledBackAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
