import { Arg, Authorized, Ctx, Field, Float, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireUser } from '../../../../platform/subgraph/context.js';
import type { NotificationsContext } from '../../context.js';
import type { PushDeviceDocument } from './push-device.store.js';
import type { PushDevices } from './push-devices.js';

@InputType({ description: "A browser's PushSubscription keys (PushSubscription.toJSON().keys)" })
export class PushSubscriptionKeysInput {
  @Field(() => String, { description: 'P-256 public key, base64url' }) p256dh!: string;
  @Field(() => String, { description: 'Auth secret (16 bytes), base64url' }) auth!: string;
}

@InputType({ description: "A browser's PushSubscription (PushSubscription.toJSON())" })
export class PushSubscriptionInput {
  @Field(() => String, { description: "The push service's URL for this browser (https)" }) endpoint!: string;
  @Field(() => PushSubscriptionKeysInput) keys!: PushSubscriptionKeysInput;
  @Field(() => Float, { nullable: true, description: 'Accepted and ignored (browsers send null)' })
  expirationTime?: number | null;
}

@ObjectType({ description: 'A browser registered for Web Push' })
export class PushDevice {
  @Field(() => ID) id!: string;
  @Field(() => String) endpoint!: string;
  @Field(() => Date) createdAt!: Date;
}

const toPushDevice = (d: PushDeviceDocument): PushDevice => ({
  id: d._id.toHexString(),
  endpoint: d.endpoint,
  createdAt: d.createdAt,
});

@Resolver(() => PushDevice)
export class PushDeviceResolver {
  constructor(private readonly push: PushDevices) {}

  @Query(() => String, {
    nullable: true,
    description:
      "The server's VAPID public key (applicationServerKey for pushManager.subscribe); null when Web Push is off",
  })
  pushPublicKey(): string | null {
    return this.push.publicKey;
  }

  @Authorized()
  @Query(() => [PushDevice], { description: 'Your browsers registered for Web Push' })
  async pushDevices(@Ctx() ctx: NotificationsContext): Promise<PushDevice[]> {
    return (await this.push.store.byUser(requireUser(ctx).userId)).map(toPushDevice);
  }

  @Authorized()
  @Mutation(() => PushDevice, { description: 'Registers this browser for Web Push (again: moves it to you)' })
  async registerPushDevice(
    @Arg('subscription', () => PushSubscriptionInput) subscription: PushSubscriptionInput,
    @Ctx() ctx: NotificationsContext,
  ): Promise<PushDevice> {
    const user = requireUser(ctx);
    const { endpoint, keys } = subscription;
    return toPushDevice(await this.push.register(user.userId, { endpoint, p256dh: keys.p256dh, auth: keys.auth }));
  }

  @Authorized()
  @Mutation(() => PushDevice, { description: 'Removes one of your push devices (NOT_FOUND for any other id)' })
  async removePushDevice(@Arg('id', () => ID) id: string, @Ctx() ctx: NotificationsContext): Promise<PushDevice> {
    return toPushDevice(await this.push.remove(requireUser(ctx).userId, String(id)));
  }
}
