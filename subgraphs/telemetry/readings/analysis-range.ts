import { BadUserInputError } from '../../../platform/errors.js';

/** Fuel economy and trips replay raw readings, an hour at a time: this bounds one query's work. */
export const MAX_ANALYSIS_RANGE_MS = 31 * 86_400_000;

export function checkAnalysisRange(from: Date, to: Date): void {
  if (!(to.getTime() > from.getTime())) throw new BadUserInputError('to must be later than from', 'to');
  if (to.getTime() - from.getTime() > MAX_ANALYSIS_RANGE_MS) {
    throw new BadUserInputError(`the range may span at most ${MAX_ANALYSIS_RANGE_MS / 86_400_000} days`, 'from');
  }
}
