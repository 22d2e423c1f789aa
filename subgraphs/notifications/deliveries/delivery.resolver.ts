import { Arg, Args, Authorized, ID, Query, Resolver } from 'type-graphql';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { NotificationDeliveryConnection, toDelivery } from '../graphql-types.js';
import type { DeliveryStore } from './delivery.store.js';

@Resolver()
export class DeliveryResolver {
  constructor(private readonly store: DeliveryStore) {}

  @Authorized('ADMIN', 'STAFF')
  @Query(() => NotificationDeliveryConnection, {
    description: "A user's notification deliveries on every channel, newest first, with their attempts (staff)",
  })
  async notificationDeliveries(@Arg('userId', () => ID) userId: string, @Args(() => PageArgs) page: PageArgs) {
    return mapNodes(await this.store.forUser(String(userId).slice(0, 64), page), toDelivery);
  }
}
