import { round, type PartName, type PartStatus } from '../parts/part.js';
import { ESTIMATE_NOTICE, input, type EstimateBasis } from './estimate.js';

/** Fewer peers than this and nothing is shown: a tiny group could identify its owners. */
export const MIN_PEERS = 3;

export interface PeerHealth {
  score: number;
  parts: { part: PartName; status: PartStatus }[];
}

export interface CommonIssue {
  part: PartName;
  /** Share of the peers with the part POOR or CRITICAL, in percent. */
  sharePercent: number;
}

export interface Comparison extends EstimateBasis {
  make: string | null;
  model: string | null;
  year: number | null;
  /** Similar vehicles compared with (this one excluded); 0 when too few to show. */
  sampleSize: number;
  averageScore: number | null;
  medianScore: number | null;
  /** Share of similar vehicles with a lower score, in percent. */
  betterThanPercent: number | null;
  commonIssues: CommonIssue[];
}

/** Aggregates only: no peer is ever listed, and small groups are not shown at all. */
export function compareWithPeers(
  vehicle: { make: string | null; model: string | null; year: number | null; score: number },
  peers: readonly PeerHealth[],
): Comparison {
  const base = { make: vehicle.make, model: vehicle.model, year: vehicle.year };
  const name = [vehicle.year, vehicle.make, vehicle.model].filter(Boolean).join(' ') || 'this vehicle';
  const method = `${ESTIMATE_NOTICE} Health scores of other vehicles of the same make, model and year in the Clutch fleet, aggregated; shown only for ${MIN_PEERS} or more.`;
  const inputs = [
    input('Make', vehicle.make),
    input('Model', vehicle.model),
    input('Year', vehicle.year),
    input("This vehicle's score", vehicle.score),
  ];
  if (peers.length < MIN_PEERS) {
    return {
      ...base,
      sampleSize: 0,
      averageScore: null,
      medianScore: null,
      betterThanPercent: null,
      commonIssues: [],
      summary:
        vehicle.make && vehicle.model && vehicle.year
          ? `Too few similar vehicles (${name}) to compare yet`
          : 'Make, model and year are needed to find similar vehicles',
      method,
      inputs,
    };
  }
  const scores = peers.map((p) => p.score).sort((a, b) => a - b);
  const mid = Math.floor(scores.length / 2);
  const median = scores.length % 2 ? scores[mid] : (scores[mid - 1] + scores[mid]) / 2;
  const average = scores.reduce((a, b) => a + b, 0) / scores.length;
  const better = (scores.filter((s) => s < vehicle.score).length / scores.length) * 100;
  const counts = new Map<PartName, number>();
  for (const peer of peers) {
    for (const p of peer.parts)
      if (p.status === 'POOR' || p.status === 'CRITICAL') counts.set(p.part, (counts.get(p.part) ?? 0) + 1);
  }
  const commonIssues = [...counts]
    .map(([part, n]) => ({ part, sharePercent: round((n / peers.length) * 100) }))
    .sort((a, b) => b.sharePercent - a.sharePercent);
  return {
    ...base,
    sampleSize: peers.length,
    averageScore: round(average),
    medianScore: round(median),
    betterThanPercent: round(better),
    commonIssues,
    summary: `Healthier than ${round(better, 0)} % of ${peers.length} similar vehicles (${name}); their average score is ${round(average)}`,
    method,
    inputs: [...inputs, input('Similar vehicles', peers.length)],
  };
}
