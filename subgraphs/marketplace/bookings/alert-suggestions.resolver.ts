import { Arg, Directive, Field, Float, ID, Int, ObjectType, Resolver, Root, FieldResolver } from 'type-graphql';
import type { CentreRoot } from '../centres/centre-details.js';
import { GeoPointInput, ServiceCentre, ServiceKind } from '../centres/centre.type.js';
import type { NearbyService } from '../search/nearby.service.js';

/** Health owns alerts; marketplace adds the centres that can fix what one is about. */
@Directive('@key(fields: "id")')
@ObjectType()
export class HealthAlert {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => String)
  rule!: string;
}

export const resolveAlertReference = (reference: Pick<HealthAlert, 'id' | 'rule'>): HealthAlert => ({
  id: String(reference.id),
  rule: String(reference.rule ?? ''),
});

/** The service that fixes what a health rule watches; a diagnosis for whatever has no better match. */
export function serviceForRule(rule: string): ServiceKind {
  if (rule === 'oil-life-low') return ServiceKind.OIL_CHANGE;
  if (rule.startsWith('coolant')) return ServiceKind.COOLING;
  if (rule.startsWith('battery')) return ServiceKind.BATTERY;
  if (rule.startsWith('brake')) return ServiceKind.BRAKES;
  if (rule.startsWith('tyre') || rule.startsWith('tire')) return ServiceKind.TYRES;
  return ServiceKind.DIAGNOSTICS;
}

@Resolver(() => HealthAlert)
export class AlertSuggestionsResolver {
  constructor(private readonly nearby: NearbyService) {}

  @Directive('@requires(fields: "rule")')
  @FieldResolver(() => [ServiceCentre], {
    description:
      'Centres near a point offering the service that fixes what the alert is about (an overheating engine: cooling), nearest first, so an alert leads to requestBooking in one query',
  })
  async suggestedCentres(
    @Root() alert: HealthAlert,
    @Arg('near', () => GeoPointInput) near: GeoPointInput,
    @Arg('radiusKm', () => Float, { defaultValue: 25, description: 'Up to 200 km' }) radiusKm: number,
    @Arg('first', () => Int, { defaultValue: 5, description: '1 to 50' }) first: number,
  ): Promise<CentreRoot[]> {
    const found = await this.nearby.searchCompact({ near, radiusKm, service: serviceForRule(alert.rule), first });
    return found.edges.map((e) => e.node);
  }

  @FieldResolver(() => ServiceKind, { description: 'The service that fixes what the alert is about' })
  @Directive('@requires(fields: "rule")')
  suggestedService(@Root() alert: HealthAlert): ServiceKind {
    return serviceForRule(alert.rule);
  }
}
