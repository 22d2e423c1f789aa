import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { ConnectionType, PageArgs } from '../../../platform/graphql/pagination.js';
import { scope } from '../../../platform/subgraph/context.js';
import type { UserStore } from './user.store.js';
import { User } from './user.type.js';

export const UserConnection = ConnectionType(User);

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly store: UserStore) {}

  @Authorized('ADMIN', 'STAFF', scope('users:read'))
  @Query(() => UserConnection, { description: 'All accounts, newest first (staff)' })
  users(@Args(() => PageArgs) page: PageArgs) {
    return this.store.list(page);
  }
}
