import { Arg, ID, Query, Resolver } from 'type-graphql';
import { ServiceKind, Slot } from '../centres/centre.type.js';
import type { AvailabilityService } from './availability.service.js';

@Resolver()
export class AvailabilityResolver {
  constructor(private readonly service: AvailabilityService) {}

  @Query(() => [Slot], {
    description:
      "Bookable slots of a service at a centre within [from, to) (at most 14 days): opening hours in the centre's " +
      'time zone (DST included), closures, the service duration, and bays not held by bookings',
  })
  availability(
    @Arg('centreId', () => ID) centreId: string,
    @Arg('service', () => ServiceKind) service: ServiceKind,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
  ) {
    return this.service.slots(centreId, service, from, to);
  }
}
