import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { BadUserInputError } from '../../../platform/errors.js';
import { busIterator } from '../../../platform/events/bus-iterator.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { NotificationsContext } from '../context.js';
import { userNotificationsTopic } from '../contract.js';
import { Notification, NotificationConnection, toNotification } from '../graphql-types.js';
import { toNotificationEvent, type NotificationEvent } from './live.js';
import type { NotificationStore } from './notification.store.js';

/** Most ids one markNotificationsRead takes. */
export const MAX_MARK_READ = 100;

/** Checked before the bus subscription exists: only a signed-in user gets a feed, and only their own. */
function subscribeToInbox({ context }: { context: NotificationsContext }) {
  const viewer = requireUser(context);
  const feed = context.inboxFeed;
  if (!feed) throw new Error('notifications needs the inbox feed context');
  return busIterator<NotificationEvent>(feed.bus, userNotificationsTopic(viewer.userId), { maxQueue: feed.maxQueue });
}

@Resolver(() => Notification)
export class InboxResolver {
  constructor(private readonly store: NotificationStore) {}

  @Authorized()
  @Query(() => NotificationConnection, { description: 'Your inbox, newest first' })
  async notifications(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('unreadOnly', () => Boolean, { nullable: true }) unreadOnly: boolean | null,
    @Ctx() ctx: NotificationsContext,
  ) {
    const user = requireUser(ctx);
    return mapNodes(await this.store.page(user.userId, unreadOnly === true, page), (doc) =>
      toNotification(toNotificationEvent(doc)),
    );
  }

  @Authorized()
  @Query(() => Int, { description: 'How many of your inbox entries are unread' })
  unreadNotificationCount(@Ctx() ctx: NotificationsContext): Promise<number> {
    return this.store.unreadCount(requireUser(ctx).userId);
  }

  @Authorized()
  @Mutation(() => Int, {
    description: 'Marks your entries read; returns how many changed (ids not yours count for nothing)',
  })
  async markNotificationsRead(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() ctx: NotificationsContext,
  ): Promise<number> {
    const user = requireUser(ctx);
    if (ids.length > MAX_MARK_READ) throw new BadUserInputError(`at most ${MAX_MARK_READ} ids at once`, 'ids');
    const parsed = ids.map((id) => toObjectId(String(id)));
    if (parsed.some((id) => id === null)) throw new BadUserInputError('ids must be notification ids', 'ids');
    return this.store.markRead(user.userId, parsed as NonNullable<(typeof parsed)[number]>[], new Date());
  }
}

/** Separate from the queries: `notifications` names both a query and a subscription field. */
@Resolver()
export class InboxFeedResolver {
  @Authorized()
  @Subscription(() => Notification, {
    subscribe: subscribeToInbox,
    description: 'Your inbox entries as they arrive or change (a fold)',
  })
  notifications(@Root() event: NotificationEvent): Notification {
    return toNotification(event);
  }
}
