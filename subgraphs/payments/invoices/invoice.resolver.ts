import { Arg, Args, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { mapNodes, PageArgs, type Connection } from '../../../platform/graphql/pagination.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { InvoiceService } from './invoice.service.js';
import { Invoice, InvoiceConnection, toInvoice } from './invoice.type.js';

@Resolver()
export class InvoiceResolver {
  constructor(private readonly service: InvoiceService) {}

  @Authorized()
  @Query(() => InvoiceConnection, {
    description:
      "Invoices and credit notes, newest first: a customer's own, a partner's centres', everyone's for staff",
  })
  async invoices(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<Invoice>> {
    const scope = await this.service.scopeOf(ctx.viewer);
    return mapNodes(await this.service.page(scope, args), toInvoice);
  }

  @Authorized()
  @Query(() => Invoice, { nullable: true, description: 'One invoice its reader may see (NOT_FOUND otherwise)' })
  async invoice(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Invoice> {
    return toInvoice(await this.service.get(ctx.viewer, id));
  }
}
