/** The parts whose health is modelled; the order is the order clients see them in. */
export const PART_NAMES = [
  'ENGINE_OIL',
  'BATTERY',
  'COOLING_SYSTEM',
  'BRAKES',
  'TYRES',
  'IGNITION',
  'EMISSIONS',
  'FUEL_SYSTEM',
] as const;
export type PartName = (typeof PART_NAMES)[number];

export type PartStatus = 'GOOD' | 'FAIR' | 'POOR' | 'CRITICAL';

export interface Evidence {
  message: string;
  /** Event time of the observation, when the evidence is one. */
  observedAt: number | null;
}

/** What a part model says about its part at one instant. */
export interface PartAssessment {
  part: PartName;
  name: string;
  /** 0 (failed) to 100 (as new). */
  score: number;
  status: PartStatus;
  /** Null when nothing observed so far allows a guess. */
  remainingKm: number | null;
  remainingDays: number | null;
  /** 0 to 1: how much the figures above rest on observations rather than defaults. */
  confidence: number;
  evidence: Evidence[];
  /** Event time of the newest observation that touched the part. */
  updatedAt: number | null;
}

export const statusOf = (score: number): PartStatus =>
  score >= 75 ? 'GOOD' : score >= 50 ? 'FAIR' : score >= 25 ? 'POOR' : 'CRITICAL';

export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export const DAY_MS = 86_400_000;

/** Piecewise-linear interpolation through `points` (sorted by x), flat beyond the ends. */
export function interpolate(x: number, points: readonly (readonly [number, number])[]): number {
  if (x <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i];
    if (x <= x1) {
      const [x0, y0] = points[i - 1];
      return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return points[points.length - 1][1];
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A score rounded for display, and the status it gives. */
export function scored(score: number): { score: number; status: PartStatus } {
  const value = round(clamp(score, 0, 100));
  return { score: value, status: statusOf(value) };
}
