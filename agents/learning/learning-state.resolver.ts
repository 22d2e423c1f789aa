import { Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../access.js';
import { CONTROL_ACTION, type ArmStore } from './arm.store.js';
import { expectedSuccess } from './beta-arm.js';
import { armReports, bestActionsByTrigger } from './learning-state.js';
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
      // The control arm is never a candidate, so it is never "best".
      bestActions: bestActionsByTrigger({ ...state, arms: state.arms.filter((a) => a.action !== CONTROL_ACTION) }).map(
        ({ ranking: _ranking, ...summary }) => summary,
      ),
      actions: armReports(state, CONTROL_ACTION),
      choosers: (await this.arms.choosers()).map((c) => ({
        triggerKind: c.triggerKind,
        chooser: c.chooser,
        outcomes: c.outcomes,
        successRate: c.outcomes > 0 ? c.credit / c.outcomes : null,
        disagreements: c.disagreements,
      })),
    };
  }
}
