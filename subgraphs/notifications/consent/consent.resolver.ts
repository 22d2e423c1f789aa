import { ObjectId } from 'mongodb';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import { requireUser, type SubgraphContext } from '../../../platform/subgraph/context.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import { VEHICLE_SCOPES, type VehicleScope } from '../webhooks/event-types.js';
import { toGrant, VehicleAccessGrant, VehicleAccessScope } from './consent.types.js';
import type { GrantStore } from './grant.store.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Vehicle owners grant and revoke organisations' access to their vehicles. */
@Resolver()
export class ConsentResolver {
  constructor(
    private readonly grants: GrantStore,
    private readonly recipients: RecipientDirectory,
  ) {}

  @Authorized()
  @Mutation(() => VehicleAccessGrant, {
    description: "Lets an organisation's API keys read, and its webhooks receive, this vehicle's data in these scopes",
  })
  async grantVehicleAccess(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('scopes', () => [VehicleAccessScope]) scopes: VehicleAccessScope[],
    @Ctx() ctx: SubgraphContext,
  ) {
    const user = requireUser(ctx);
    const vehicle = String(vehicleId);
    const org = String(organizationId);
    if (!ID_PATTERN.test(vehicle)) throw new BadUserInputError('vehicleId is not a valid id', 'vehicleId');
    if (!ID_PATTERN.test(org)) throw new BadUserInputError('organizationId is not a valid id', 'organizationId');
    const unique = [...new Set(scopes)] as VehicleScope[];
    if (unique.length === 0 || unique.some((s) => !VEHICLE_SCOPES.includes(s)))
      throw new BadUserInputError('scopes must name at least one of TELEMETRY, HEALTH, LOCATION', 'scopes');
    if (org === user.userId) throw new BadUserInputError('you cannot grant access to yourself', 'organizationId');
    const owner = (await this.recipients.vehicleOwners([vehicle])).get(vehicle);
    // Only the owner consents: staff may not grant on someone's behalf.
    if (owner !== user.userId) throw new ForbiddenError('Not your vehicle');
    return toGrant(await this.grants.grant(vehicle, org, user.userId, unique, new Date()));
  }

  @Authorized()
  @Mutation(() => VehicleAccessGrant, { description: 'Ends a grant now, including webhooks already queued' })
  async revokeVehicleAccess(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const user = requireUser(ctx);
    const text = String(id);
    if (!/^[0-9a-f]{24}$/.test(text)) throw new BadUserInputError('id is not a valid grant id', 'id');
    const grant = await this.grants.get(new ObjectId(text));
    if (!grant || (grant.ownerId !== user.userId && !isStaff(user))) throw new NotFoundError('Vehicle access grant');
    return toGrant((await this.grants.revoke(grant._id, new Date()))!);
  }

  @Authorized()
  @Query(() => [VehicleAccessGrant], { description: 'The live grants you gave (of one vehicle, or all)' })
  async vehicleAccessGrants(
    @Arg('vehicleId', () => ID, { nullable: true }) vehicleId: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    const user = requireUser(ctx);
    if (vehicleId !== null && !ID_PATTERN.test(String(vehicleId)))
      throw new BadUserInputError('vehicleId is not a valid id', 'vehicleId');
    return (await this.grants.forOwner(user.userId, vehicleId === null ? undefined : String(vehicleId))).map(toGrant);
  }
}
