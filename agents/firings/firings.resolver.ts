import { Arg, Args, Authorized, Query, Resolver } from 'type-graphql';
import { BadUserInputError } from '../../platform/errors.js';
import { PageArgs } from '../../platform/graphql/pagination.js';
import { READERS } from '../access.js';
import { isTriggerKind } from '../triggers/categories.js';
import type { FiringStore } from './firing.store.js';
import { TriggerFiringConnection } from './firing.type.js';

@Resolver()
export class FiringsResolver {
  constructor(private readonly firings: FiringStore) {}

  @Authorized(...READERS)
  @Query(() => TriggerFiringConnection, { description: 'Every trigger firing, newest first (staff)' })
  triggerFirings(@Args(() => PageArgs) page: PageArgs, @Arg('kind', () => String, { nullable: true }) kind?: string) {
    if (kind !== undefined && kind !== null && !isTriggerKind(kind))
      throw new BadUserInputError(`unknown trigger kind "${kind}"`, 'kind');
    return this.firings.list(kind ?? undefined, page);
  }
}
