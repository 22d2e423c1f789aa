import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Query, Resolver } from 'type-graphql';
import { connectionOf, type Connection } from '../../../platform/graphql/pagination.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { CentreAccess } from './centre-access.js';
import type { LedgerReader } from './ledger-reader.js';
import {
  PartnerBalance,
  RevenueGroup,
  RevenueReportType,
  StatementLine,
  StatementLineConnection,
} from './reports.type.js';

@ArgsType()
class StatementArgs {
  @Field(() => ID)
  centreId!: string;

  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@Resolver()
export class ReportsResolver {
  constructor(
    private readonly reader: LedgerReader,
    private readonly centreAccess: CentreAccess,
  ) {}

  @Authorized()
  @Query(() => PartnerBalance, { description: "A centre's balance per currency (the centre's members and staff)" })
  async partnerBalance(
    @Arg('centreId', () => ID) centreId: string,
    @Ctx() ctx: SubgraphContext,
  ): Promise<PartnerBalance> {
    const id = await this.centreAccess.check(ctx.viewer, centreId);
    return { centreId: id, balances: await this.reader.centreBalances(id) };
  }

  @Authorized()
  @Query(() => StatementLineConnection, {
    description: "A centre's journal, newest first (the centre's members and staff)",
  })
  async partnerStatement(
    @Args(() => StatementArgs) args: StatementArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<StatementLine>> {
    const id = await this.centreAccess.check(ctx.viewer, args.centreId);
    const page = await this.reader.statement(id, args);
    const edges = page.lines.map((l) => ({ cursor: page.cursorOf(l), node: { ...l, id: l.entryId } }));
    return connectionOf(edges, { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, () =>
      this.reader.countStatement(id),
    );
  }

  @Authorized('ADMIN', 'STAFF')
  @Query(() => RevenueReportType, { description: 'Revenue over [from, to), grouped (staff; at most 400 days)' })
  async revenueReport(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('groupBy', () => RevenueGroup) groupBy: RevenueGroup,
  ): Promise<RevenueReportType> {
    return { from, to, groupBy, rows: await this.reader.revenue(from, to, groupBy) };
  }
}
