import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../platform/subgraph/context.js';
import { AgentMetricsResolver } from './autonomy/metrics.resolver.js';
import { RunTickResolver } from './autonomy/run-tick.resolver.js';
import { AutonomousStatusResolver } from './autonomy/status.resolver.js';
import { ReportClientErrorResolver } from './client-errors/report-client-error.resolver.js';
import { AgentDecisionsResolver } from './decisions/agent-decisions.resolver.js';
import { ApprovalResolver } from './decisions/approval.resolver.js';
import { DecisionFieldsResolver } from './decisions/decision-fields.resolver.js';
import { DecisionsResolver } from './decisions/decisions.resolver.js';
import { IncidentResolver } from './effects/incident.resolver.js';
import { FiringsResolver } from './firings/firings.resolver.js';
import { GoalsResolver } from './goals/goals.resolver.js';
import { UpdateGoalResolver } from './goals/update-goal.resolver.js';
import { LearningStateResolver } from './learning/learning-state.resolver.js';
import { TeamResolver } from './team/team.resolver.js';

/** Resolver classes, which the container maps to their instances. */
export type ResolverClass = abstract new (...args: never[]) => object;

export const AGENTS_RESOLVERS = [
  GoalsResolver,
  UpdateGoalResolver,
  TeamResolver,
  ReportClientErrorResolver,
  FiringsResolver,
  DecisionsResolver,
  DecisionFieldsResolver,
  ApprovalResolver,
  AgentDecisionsResolver,
  LearningStateResolver,
  AutonomousStatusResolver,
  RunTickResolver,
  AgentMetricsResolver,
  IncidentResolver,
] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildAgentsSchema(instances: Map<ResolverClass, object> = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema({
    resolvers: [...AGENTS_RESOLVERS],
    authChecker,
    container: { get: (cls) => instances.get(cls) },
  });
}
