import { Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../access.js';
import type { ArmStore } from './arm.store.js';
import { expectedSuccess } from './beta-arm.js';
import { bestActionsByTrigger } from './learning-state.js';
import { LearningState } from './learning.type.js';

@Resolver()
export class LearningStateResolver {
  constructor(
    private readonly arms: ArmStore,
    private readonly seed: number,
  ) {}

  @Authorized(...READERS)
  @Query(() => LearningState, {
    description: 'The decision model: Beta posteriors per trigger kind and action (staff)',
  })
  async learningState(): Promise<LearningState> {
    const state = await this.arms.state();
    return {
      seed: this.seed,
      priorAlpha: state.prior.alpha,
      priorBeta: state.prior.beta,
      arms: state.arms.map((a) => ({
        ...a,
        expectedSuccess: expectedSuccess(a),
        updatedAt: a.updatedAt === undefined ? null : new Date(a.updatedAt),
      })),
      bestActions: bestActionsByTrigger(state).map(({ ranking: _ranking, ...summary }) => summary),
    };
  }
}
