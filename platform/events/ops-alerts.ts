import { z } from 'zod';
import { deadLetterStream, DEAD_LETTER_REASONS, type DeadLetter } from './bus.js';

/**
 * Durable stream of operational alerts: something in the platform needs a person or the
 * agents, not just a log line. The agents consume it (group `agents`) and turn it into a
 * signal that can trigger the autonomous loop. Owned by the platform, which raises them.
 */
export const OPS_ALERTS_STREAM = 'ops.alerts';

/** Stream and group names, ids and details stay short: an alert points at the evidence, it is not it. */
const name = z.string().min(1).max(200);

const eventDeadLettered = z.object({
  kind: z.literal('event_dead_lettered'),
  severity: z.enum(['MEDIUM', 'HIGH']),
  /** The stream the event was on, the group that gave up on it, and its id there. */
  stream: name,
  group: name,
  eventId: z.string().min(1).max(64),
  reason: z.enum(DEAD_LETTER_REASONS),
  /** Where the event now is, for whoever looks into it. */
  deadLetterStream: name,
  /** What was wrong with it, when known (for `invalid`: the failed checks). */
  detail: z.string().max(500).nullable(),
  at: z.iso.datetime({ offset: true }),
});

export const opsAlertSchema = z.discriminatedUnion('kind', [eventDeadLettered]);

export type OpsAlert = z.infer<typeof opsAlertSchema>;

/**
 * The alert for an event moved to the dead-letter stream. An event that no code can read
 * (`undecodable`, `invalid`) means a producer and a consumer disagree on the contract: HIGH.
 * One that kept failing its handler may be a passing outage that outlasted the retries: MEDIUM.
 */
export function deadLetterAlert(letter: DeadLetter, at: Date): OpsAlert {
  return {
    kind: 'event_dead_lettered',
    severity: letter.reason === 'max-deliveries' ? 'MEDIUM' : 'HIGH',
    stream: letter.stream,
    group: letter.group,
    eventId: letter.id,
    reason: letter.reason,
    deadLetterStream: deadLetterStream(letter.stream),
    detail: letter.detail ?? null,
    at: at.toISOString(),
  };
}
