import type { Rng } from './prng.js';

/**
 * Pure: is this firing one of the no-op controls? A `share` (0..1) of the firings whose chosen
 * action is LOW risk are left alone on purpose, so that what the metric does when nothing is
 * done is measured rather than assumed. Medium- and high-risk situations are never held back.
 * Drawn from the firing's own generator, so a replay gives the same answer.
 */
export function isControlDraw(input: { share: number; risk: 'LOW' | 'MEDIUM' | 'HIGH'; rng: Rng }): boolean {
  if (!(input.share > 0) || input.risk !== 'LOW') return false;
  return input.rng.next() < Math.min(1, input.share);
}
