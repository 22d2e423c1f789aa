import { Authorized, Query, Resolver } from 'type-graphql';
import { READERS } from '../access.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import type { Clock } from '../clock.js';
import { toMember } from './member.mapper.js';
import { AgentMember } from './member.type.js';
import type { TeamStore } from './team.store.js';

@Resolver()
export class TeamResolver {
  constructor(
    private readonly team: TeamStore,
    private readonly mode: ModeStore,
    private readonly clock: Clock,
  ) {}

  @Authorized(...READERS)
  @Query(() => [AgentMember], { description: 'The autonomous operations team (staff)' })
  async agentTeam(): Promise<AgentMember[]> {
    const [members, { mode }] = await Promise.all([this.team.list(), this.mode.get()]);
    const now = this.clock.now();
    return members.map((m) => toMember(m, mode, now));
  }
}
