/** A named figure an estimate was computed from, shown with it. */
export interface EstimateInput {
  name: string;
  value: string;
}

/** What every estimate carries: it is an estimate, how it was made, and from what. */
export interface EstimateBasis {
  summary: string;
  method: string;
  inputs: EstimateInput[];
}

export const ESTIMATE_NOTICE =
  'Estimate from Clutch health data: indicative only, not a quote, valuation or warranty decision.';

export const input = (name: string, value: string | number | null, unit = ''): EstimateInput => ({
  name,
  value: value === null ? 'unknown' : `${value}${unit}`,
});
