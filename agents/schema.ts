import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../platform/subgraph/resolvers.js';
import { AgentMetricsResolver } from './autonomy/metrics.resolver.js';
import type { TeamDeployer } from './autonomy/team-deploy.js';
import { TeamDeployResolver } from './autonomy/team-deploy.resolver.js';
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
import type { ModeStore } from './autonomy/mode.store.js';
import type { StatusService } from './autonomy/status.service.js';
import type { ClientErrorService } from './client-errors/client-error.service.js';
import type { Clock } from './clock.js';
import type { ApprovalService } from './decisions/approval.service.js';
import type { DecisionStore } from './decisions/decision.store.js';
import type { IncidentStore } from './effects/incident.store.js';
import type { FiringStore } from './firings/firing.store.js';
import type { GoalChangeStore } from './goals/goal-change.store.js';
import type { GoalService } from './goals/goal.service.js';
import type { ArmStore } from './learning/arm.store.js';
import type { AutonomousLoop } from './loop/autonomous-loop.js';
import type { ProviderRouter } from './providers/router.js';
import type { TeamStore } from './team/team.store.js';

/** What the agents' resolvers are constructed from, by name. */
export interface AgentsResolverDeps {
  goals: GoalService;
  goalChanges: GoalChangeStore;
  team: TeamStore;
  mode: ModeStore;
  clock: Clock;
  clientErrors: ClientErrorService;
  firings: FiringStore;
  decisions: DecisionStore;
  approvals: ApprovalService;
  arms: ArmStore;
  seed: number;
  status: StatusService;
  loop: AutonomousLoop;
  incidents: IncidentStore;
  router: ProviderRouter;
  deployer: TeamDeployer;
}

const resolver = resolverRegistry<AgentsResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const AGENTS_RESOLVERS = [
  resolver(GoalsResolver, 'goals', 'goalChanges'),
  resolver(UpdateGoalResolver, 'goals'),
  resolver(TeamResolver, 'team', 'mode', 'clock'),
  resolver(ReportClientErrorResolver, 'clientErrors'),
  resolver(FiringsResolver, 'firings'),
  resolver(DecisionsResolver, 'decisions'),
  resolver(DecisionFieldsResolver, 'team', 'mode', 'clock'),
  resolver(ApprovalResolver, 'approvals'),
  resolver(AgentDecisionsResolver),
  resolver(LearningStateResolver, 'arms', 'seed'),
  resolver(AutonomousStatusResolver, 'status'),
  resolver(RunTickResolver, 'loop'),
  resolver(IncidentResolver, 'incidents', 'decisions', 'clock'),
  resolver(AgentMetricsResolver, 'decisions', 'firings', 'router'),
  resolver(TeamDeployResolver, 'deployer'),
];

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildAgentsSchema(deps?: AgentsResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema({ ...resolverOptions(AGENTS_RESOLVERS, deps), authChecker });
}
