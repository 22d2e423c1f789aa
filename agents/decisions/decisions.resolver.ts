import { Arg, Args, Authorized, ID, Query, Resolver } from 'type-graphql';
import { mapNodes, PageArgs } from '../../platform/graphql/pagination.js';
import { READERS } from '../access.js';
import { parseDecisionFilter, parseDecisionId } from './decision-filter.js';
import { toDecision } from './decision.mapper.js';
import type { DecisionStore } from './decision.store.js';
import { Decision, DecisionConnection, DecisionFilter } from './decision.type.js';

@Resolver()
export class DecisionsResolver {
  constructor(private readonly store: DecisionStore) {}

  @Authorized(...READERS)
  @Query(() => DecisionConnection, { description: "The team's decisions, newest first (staff)" })
  async decisions(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => DecisionFilter, { nullable: true }) filter?: DecisionFilter,
  ) {
    const query = parseDecisionFilter(filter ? { ...filter } : {});
    return mapNodes(await this.store.list(query, page), toDecision);
  }

  @Authorized(...READERS)
  @Query(() => Decision, { nullable: true })
  async decision(@Arg('id', () => ID) id: string): Promise<Decision | null> {
    const doc = await this.store.findById(parseDecisionId(id));
    return doc ? toDecision(doc) : null;
  }
}
