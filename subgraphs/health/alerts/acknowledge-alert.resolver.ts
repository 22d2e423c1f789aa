import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { AlertService } from './alert.service.js';
import { alertFromDocument, HealthAlert } from './alert.type.js';

@Resolver()
export class AcknowledgeAlertResolver {
  constructor(private readonly alerts: AlertService) {}

  @Authorized()
  @Mutation(() => HealthAlert, {
    description:
      "Marks an OPEN alert ACKNOWLEDGED (the vehicle's owner or staff); it still resolves on its own once the condition clears",
  })
  async acknowledgeAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<HealthAlert> {
    return alertFromDocument(await this.alerts.acknowledge(ctx.viewer, id));
  }
}
