import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { scope } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import type { FleetProvisioningService } from './fleet-provisioning.service.js';
import { FleetProvisioning, ProvisionFleetInput } from './fleet.type.js';

/** The scope a B2B API key needs to call provisionFleet. */
export const FLEET_PROVISION_SCOPE = 'fleet:provision';

@Resolver()
export class FleetResolver {
  constructor(private readonly fleet: FleetProvisioningService) {}

  @Authorized('ADMIN', scope(FLEET_PROVISION_SCOPE))
  @Mutation(() => FleetProvisioning, {
    description:
      'Creates owners (accounts without a password), their vehicles and paired OBD dongles in bulk; admins and API keys with fleet:provision. Idempotent by email, VIN and serial, and by idempotencyKey',
  })
  provisionFleet(@Arg('input', () => ProvisionFleetInput) input: ProvisionFleetInput, @Ctx() ctx: VehiclesContext) {
    return this.fleet.provision(ctx.viewer, input, { ip: ctx.clientIp, requestId: ctx.requestId });
  }
}
