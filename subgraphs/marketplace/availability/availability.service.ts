import type { Db } from 'mongodb';
import { BadUserInputError, NotFoundError } from '../../../platform/errors.js';
import type { CentreStore } from '../centres/centre.store.js';
import type { ServiceKind } from '../centres/centre.type.js';
import { openIntervals, type Interval } from '../centres/opening-hours.js';
import { parseId } from '../ids.js';
import { heldSlotsBetween } from '../slots/held-slots.js';
import { bookableSlots, MAX_WINDOW_DAYS } from './slots.js';

/** availability(centreId, service, from, to): the centre and service read here, the slots computed in slots.ts. */
export class AvailabilityService {
  constructor(
    private readonly centres: CentreStore,
    private readonly db: Db,
  ) {}

  async slots(centreId: string, service: ServiceKind, from: Date, to: Date, now = new Date()): Promise<Interval[]> {
    const id = parseId(centreId, 'centreId');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new BadUserInputError('from and to must be dates');
    if (to <= from) throw new BadUserInputError('to must be after from', 'to');
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      throw new BadUserInputError(`The window is at most ${MAX_WINDOW_DAYS} days`, 'to');
    }
    const centre = await this.centres.findById(id);
    if (!centre) throw new NotFoundError('Service centre');
    const offering = centre.services.find((s) => s.kind === service);
    if (!offering) throw new BadUserInputError(`${centre.name} does not offer ${service}`, 'service');
    if (to <= now) return [];
    const [intervals, held] = [openIntervals(centre, from, to), await heldSlotsBetween(this.db, centreId, from, to)];
    return bookableSlots({
      intervals,
      durationMinutes: offering.durationMinutes,
      bays: centre.bays,
      held,
      from,
      to,
      now,
    });
  }
}
