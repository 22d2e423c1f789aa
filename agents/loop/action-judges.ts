import type { ActionId } from '../actions/catalogue.js';
import type { DecisionDocument } from '../decisions/decision.document.js';
import type { BookingSeenStore } from '../signals/booking-seen.store.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';

/**
 * Some actions are not meant to move their trigger's metric: telling owners of a critical alert
 * cannot close the alert, so judging it by whether the alert closed calls it a failure every
 * time. Such an action has a judge of its own: what it measures, and when (its own check
 * window, instead of AGENTS_OUTCOME_DELAY_SECONDS). The other actions keep the metric judge
 * against the expected course (learning/counterfactual.ts).
 */
export interface ActionJudge {
  /** How long after acting the outcome is checked. */
  delayMs: number;
  judge(decision: DecisionDocument, now: Date): Promise<OwnJudgement>;
}

export interface OwnJudgement {
  success: boolean;
  verdict: string;
  note: string;
  /** What the action is credited with, 0..1, and whether it did what it is for (fed to learning). */
  credit: number;
  achieved: boolean;
}

export type ActionJudges = Partial<Record<ActionId, ActionJudge>>;

/** How long owners are given to act on a notification when nothing is configured (AGENTS_OWNER_RESPONSE_HOURS). */
export const DEFAULT_OWNER_RESPONSE_MS = 24 * 3_600_000;

export type OwnerVerdict = 'OWNERS_ACTED' | 'OWNERS_REACHED' | 'NOT_REACHED';

/**
 * Pure: owners were told of a critical alert; did they act? Acting (an alert of their vehicle
 * acknowledged by them, not by staff, or a booking asked for the vehicle, after the notice and
 * within the window) is
 * the success, credited with the share of the vehicles reached whose owners acted. Reached but
 * nobody acted is a failure that says so; nobody reached (no owner, or the service refused) too.
 */
export function judgeOwnerResponse(input: {
  targeted: readonly string[];
  reached: readonly string[];
  acknowledged: ReadonlySet<string>;
  booked: ReadonlySet<string>;
  windowHours: number;
}): OwnJudgement {
  const { targeted, reached, acknowledged, booked } = input;
  const acted = reached.filter((v) => acknowledged.has(v) || booked.has(v));
  const within = `within ${input.windowHours} h`;
  if (reached.length === 0)
    return {
      success: false,
      verdict: 'NOT_REACHED',
      note: `no owner of the ${targeted.length} vehicle(s) was reached`,
      credit: 0,
      achieved: false,
    };
  const counts = `${reached.length} of ${targeted.length} vehicle(s)' owners reached`;
  if (acted.length === 0)
    return {
      success: false,
      verdict: 'OWNERS_REACHED',
      note: `${counts}; none acknowledged an alert or booked ${within}`,
      credit: 0,
      achieved: false,
    };
  const ack = acted.filter((v) => acknowledged.has(v)).length;
  const book = acted.filter((v) => booked.has(v)).length;
  return {
    success: true,
    verdict: 'OWNERS_ACTED',
    note: `${counts}; owners of ${acted.length} acted ${within} (${ack} acknowledged an alert, ${book} booked)`,
    credit: acted.length / reached.length,
    achieved: true,
  };
}

/**
 * Pure: the vehicles whose alert was acknowledged by an owner the notice reached for that
 * vehicle. Staff acknowledging it is not the owner acting on the notice. A record from before
 * the owners were kept (`owners` undefined) counts any acknowledgement, as it did then.
 */
export function acknowledgedByOwners(
  acknowledgements: ReadonlyArray<{ vehicleId: string; by: string | null }>,
  owners: ReadonlyArray<{ vehicleId: string; userId: string }> | undefined,
): Set<string> {
  if (!owners) return new Set(acknowledgements.map((a) => a.vehicleId));
  const reached = new Set(owners.map((o) => `${o.vehicleId}\u0000${o.userId}`));
  return new Set(
    acknowledgements.filter((a) => a.by !== null && reached.has(`${a.vehicleId}\u0000${a.by}`)).map((a) => a.vehicleId),
  );
}

/** notify_critical_owners, judged by whether the owners it reached acted, `windowMs` after the notice. */
export function ownerResponseJudge(deps: {
  alerts: Pick<SeenAlertStore, 'acknowledgementsBetween'>;
  bookings: Pick<BookingSeenStore, 'bookedBetween'>;
  windowMs: number;
}): ActionJudge {
  return {
    delayMs: deps.windowMs,
    async judge(decision) {
      const targeted = ((decision.parameters.vehicleIds as string[] | undefined) ?? []).map(String);
      // The effect records which vehicles' owners it reached; an older record says only whether anyone was.
      const reached = decision.execution?.reachedVehicleIds ?? (decision.execution?.success ? targeted : []);
      const from = decision.executedAt ?? decision.createdAt;
      const to = new Date(from.getTime() + deps.windowMs);
      const [acknowledgements, booked] = reached.length
        ? await Promise.all([
            deps.alerts.acknowledgementsBetween(reached, from, to),
            deps.bookings.bookedBetween(reached, from, to),
          ])
        : [[], new Set<string>()];
      const acknowledged = acknowledgedByOwners(acknowledgements, decision.execution?.reachedOwners);
      return judgeOwnerResponse({
        targeted,
        reached,
        acknowledged,
        booked,
        windowHours: Math.round((deps.windowMs / 3_600_000) * 10) / 10,
      });
    },
  };
}
