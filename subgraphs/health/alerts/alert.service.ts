import { z } from 'zod';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { HealthProcessor } from '../state-machine/health-processor.js';
import type { AlertDocument, AlertStore } from './alert.store.js';

/** `<vehicleId>:<rule>:<number>`, as the reducer makes them (see alertIdOf). */
const alertId = z
  .string()
  .max(120, 'id is not an alert id')
  .regex(/^[A-Za-z0-9_-]{1,64}:[a-z][a-z0-9-]{1,40}:\d{1,9}$/, 'id is not an alert id');

const alertNumber = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

export class AlertService {
  constructor(
    private readonly store: AlertStore,
    private readonly processor: HealthProcessor,
    private readonly access: VehicleAccess,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * OPEN becomes ACKNOWLEDGED, for the vehicle's owner or staff. Acknowledging again, or an
   * alert that has resolved meanwhile, changes nothing and returns the alert as it is. The
   * change goes through the vehicle's health state, so it cannot undo a resolution that the
   * rules commit at the same moment.
   */
  async acknowledge(viewer: Viewer | undefined, rawId: string): Promise<AlertDocument> {
    if (!viewer) throw new UnauthenticatedError();
    if (viewer.kind !== 'user') throw new ForbiddenError('Only the owner or staff can acknowledge alerts');
    const id = parseInput(alertId, rawId);
    const alert = await this.store.findById(id);
    if (!alert) throw new NotFoundError('Alert');
    await authorizeVehicle(this.access, viewer, alert.vehicleId, 'read');
    if (alert.status !== 'OPEN') return alert;
    await this.processor.apply(alert.vehicleId, `acknowledge:${id}`, {
      kind: 'acknowledge',
      rule: alert.rule,
      number: alertNumber(id),
      by: viewer.userId,
      at: this.clock().getTime(),
    });
    return (await this.store.findById(id)) ?? alert;
  }
}
