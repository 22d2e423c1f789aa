import { Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../access.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import type { FiringStore } from '../firings/firing.store.js';
import type { ProviderRouter } from '../providers/router.js';
import { AgentMetrics } from './autonomy.type.js';
import { providerStatuses } from './provider-status.js';

@Resolver()
export class AgentMetricsResolver {
  constructor(
    private readonly decisions: DecisionStore,
    private readonly firings: FiringStore,
    private readonly router: ProviderRouter,
  ) {}

  @Authorized(...READERS)
  @Query(() => AgentMetrics, { description: "The team's decisions, outcomes and AI spend in figures (staff)" })
  async agentMetrics(): Promise<AgentMetrics> {
    const [totals, byStatus, byCategory, triggerFirings] = await Promise.all([
      this.decisions.totals(),
      this.decisions.countBy('status'),
      this.decisions.countBy('category'),
      this.firings.count(),
    ]);
    return {
      decisions: totals.decisions,
      byStatus,
      byCategory,
      outcomesEvaluated: totals.evaluated,
      successes: totals.successes,
      successRate: totals.evaluated ? totals.successes / totals.evaluated : null,
      triggerFirings,
      aiCostUsd: totals.costUsd,
      providers: providerStatuses(this.router),
    };
  }
}
