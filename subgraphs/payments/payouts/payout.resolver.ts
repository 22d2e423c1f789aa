import { Authorized, Mutation, Resolver } from 'type-graphql';
import type { PayoutService } from './payout.service.js';
import { PayoutRun, toPayoutRun } from './payout.type.js';

@Resolver()
export class PayoutResolver {
  constructor(private readonly payouts: PayoutService) {}

  @Authorized('ADMIN', 'STAFF')
  @Mutation(() => PayoutRun, {
    description:
      'Pays every centre its balance now (staff); the scheduled job runs the same code, and both may run at once',
  })
  async runPayouts(): Promise<PayoutRun> {
    return toPayoutRun(await this.payouts.run());
  }
}
