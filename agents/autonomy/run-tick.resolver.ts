import { Authorized, Mutation, Resolver } from 'type-graphql';
import { ConflictError } from '../../platform/errors.js';
import { OPERATORS } from '../access.js';
import { toDecision } from '../decisions/decision.mapper.js';
import type { AutonomousLoop } from '../loop/autonomous-loop.js';
import type { AutonomousMode } from './autonomous-mode.type.js';
import { TickReport } from './autonomy.type.js';

@Resolver()
export class RunTickResolver {
  constructor(private readonly loop: AutonomousLoop) {}

  @Authorized(...OPERATORS)
  @Mutation(() => TickReport, {
    description: 'Runs one tick of the loop now, on the leading instance, within the kill switch (admins)',
  })
  async runAutonomousTick(): Promise<TickReport> {
    const report = await this.loop.tickNow('manual');
    if (!report) throw new ConflictError('This instance does not lead the loop; the leader ticks on its own schedule');
    return { ...report, mode: report.mode as AutonomousMode, decisions: report.decisions.map(toDecision) };
  }
}
