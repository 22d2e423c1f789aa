import { Arg, Args, Authorized, Query, Resolver } from 'type-graphql';
import type { Severity as SeverityName } from '../../../platform/vocabulary/severity.js';
import { connectionOf, PageArgs, type Connection } from '../../../platform/graphql/pagination.js';
import { alertCursor, type AlertStatus as AlertStatusName, type AlertStore } from './alert.store.js';
import { alertFromDocument, AlertStatus, HealthAlert, HealthAlertConnection } from './alert.type.js';
import { Severity } from './severity.type.js';

@Resolver()
export class FleetAlertsResolver {
  constructor(private readonly alerts: AlertStore) {}

  @Authorized('ADMIN', 'STAFF')
  @Query(() => HealthAlertConnection, { description: 'Alerts of every vehicle, newest first (staff)' })
  async fleetAlerts(
    @Arg('status', () => AlertStatus, { nullable: true }) status: AlertStatusName | null | undefined,
    @Arg('severity', () => Severity, { nullable: true }) severity: SeverityName | null | undefined,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<Connection<HealthAlert>> {
    const result = await this.alerts.fleet({ status: status ?? undefined, severity: severity ?? undefined }, page);
    const edges = result.items.map((doc) => ({ cursor: alertCursor(doc), node: alertFromDocument(doc) }));
    return connectionOf(
      edges,
      { hasNextPage: result.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      result.count,
    );
  }
}
