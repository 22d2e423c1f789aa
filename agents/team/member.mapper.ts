import type { AutonomousModeValue } from '../settings.js';
import { AgentStatus, type AgentMember } from './member.type.js';
import type { MemberDocument } from './team.store.js';

const ACTIVE_MS = 3_600_000;

export function toMember(doc: MemberDocument, mode: AutonomousModeValue, now: number): AgentMember {
  const recent = doc.lastDecisionAt !== null && now - new Date(doc.lastDecisionAt).getTime() < ACTIVE_MS;
  return {
    id: doc._id,
    name: doc.name,
    role: doc.role,
    responsibilities: doc.responsibilities,
    triggerCategories: doc.categories,
    status: mode === 'OFF' ? AgentStatus.PAUSED : recent ? AgentStatus.ACTIVE : AgentStatus.IDLE,
    decisionsMade: doc.decisionsMade,
    outcomesEvaluated: doc.outcomes,
    successRate: doc.outcomes > 0 ? doc.successes / doc.outcomes : null,
    lastDecisionAt: doc.lastDecisionAt,
  };
}
