import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { ClientErrorService } from './client-error.service.js';
import { ClientErrorInput } from './client-error.type.js';

@Resolver()
export class ReportClientErrorResolver {
  constructor(private readonly errors: ClientErrorService) {}

  @Mutation(() => Boolean, {
    description: 'Frontends report the errors they catch (anyone, signed in or not; rate-limited per caller)',
  })
  reportClientError(
    @Arg('input', () => ClientErrorInput) input: ClientErrorInput,
    @Ctx() ctx: SubgraphContext,
  ): Promise<boolean> {
    return this.errors.report({ ...input }, ctx.viewer, ctx.clientIp);
  }
}
