/**
 * A key that two evaluators of the same condition agree on, so the store can keep one
 * firing per key (a unique index) even when two instances or a retried tick see it.
 * Time is bucketed by the window (normally the rule's cooldown): firings inside one
 * bucket collapse into one.
 */
export function dedupKey(kind: string, subject: string, now: number, windowMs: number): string {
  const bucket = windowMs > 0 ? Math.floor(now / windowMs) : now;
  return `${kind}:${subject}:${bucket}`;
}
