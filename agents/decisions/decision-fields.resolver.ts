import { FieldResolver, Resolver, Root } from 'type-graphql';
import { NotFoundError } from '../../platform/errors.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import type { Clock } from '../clock.js';
import { toMember } from '../team/member.mapper.js';
import { AgentMember } from '../team/member.type.js';
import type { TeamStore } from '../team/team.store.js';
import { Decision } from './decision.type.js';

@Resolver(() => Decision)
export class DecisionFieldsResolver {
  constructor(
    private readonly team: TeamStore,
    private readonly mode: ModeStore,
    private readonly clock: Clock,
  ) {}

  @FieldResolver(() => AgentMember, { description: 'The team member who decided' })
  async member(@Root() decision: Decision): Promise<AgentMember> {
    const [doc, { mode }] = await Promise.all([this.team.findById(decision.memberId), this.mode.getRecent()]);
    if (!doc) throw new NotFoundError('Team member');
    return toMember(doc, mode, this.clock.now());
  }
}
