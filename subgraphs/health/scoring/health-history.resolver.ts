import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { z } from 'zod';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { DAY_MS } from '../parts/part.js';
import { utcDay } from '../state-machine/reduce.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { SnapshotStore } from './snapshot.store.js';
import { HealthSnapshot } from './vehicle-health.type.js';

export const MAX_HISTORY_DAYS = 366;

const rangeSchema = z
  .object({ from: z.date(), to: z.date() })
  .refine(({ from, to }) => from <= to, { message: 'from must not be after to', path: ['from'] })
  .refine(({ from, to }) => to.getTime() - from.getTime() <= MAX_HISTORY_DAYS * DAY_MS, {
    message: `the range is at most ${MAX_HISTORY_DAYS} days`,
    path: ['to'],
  });

@Resolver(() => Vehicle)
export class HealthHistoryResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly snapshots: SnapshotStore,
  ) {}

  @FieldResolver(() => [HealthSnapshot], {
    description: `Daily health snapshots, oldest first (at most ${MAX_HISTORY_DAYS} days)`,
  })
  async healthHistory(
    @Root() vehicle: Vehicle,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: SubgraphContext,
  ): Promise<HealthSnapshot[]> {
    const range = parseInput(rangeSchema, { from, to });
    await authorizeRead(this.access, ctx, vehicle.id, 'HEALTH');
    const docs = await this.snapshots.between(vehicle.id, utcDay(range.from.getTime()), utcDay(range.to.getTime()));
    return docs.map(({ day, score, grade, parts, at }) => ({ day, score, grade, parts, takenAt: at }));
  }
}
