import { planCentre, type PlannedCentre } from './centre-plan.js';
import type { CentreWriter, KnownApplication } from './marketplace-writer.js';

export interface CentresPhase {
  /** Centres the seed asks for (0 to `count` - 1). */
  count: number;
  writer: CentreWriter;
  /** Partner chains worked on at once (each one's applications go one after another). */
  concurrency: number;
  /** Chains finished by an earlier run, by owner key, with how many of their centres they held. */
  ownersDone: Record<string, number>;
  /** After each chain: record it (and save the progress). */
  ownerDone(key: string, centres: number): void;
  onCentre?: (done: number) => void;
  signal?: AbortSignal;
}

export interface CentresSummary {
  count: number;
  /** Listed by this run (applied for and approved). */
  created: number;
  /** Already listed (by an earlier run, or a run that stopped before it recorded them). */
  found: number;
  /** The seed's partner accounts. */
  partners: number;
  seconds: number;
}

/** The seed's partner for a chain: a fixed address, so runs at any scale and resumes find the same account. */
export const partnerEmail = (ownerKey: string) => `garages.${ownerKey}@seed.clutch.test`;

const sameCentre = (a: KnownApplication, plan: PlannedCentre) =>
  a.name === plan.application.name &&
  a.location.lat === plan.application.location.lat &&
  a.location.lng === plan.application.location.lng;

/** The planned centres by partner chain, in index order within each. */
export function chainsOf(count: number): Map<string, PlannedCentre[]> {
  const chains = new Map<string, PlannedCentre[]>();
  for (let i = 0; i < count; i++) {
    const plan = planCentre(i);
    const chain = chains.get(plan.owner.key);
    if (chain) chain.push(plan);
    else chains.set(plan.owner.key, [plan]);
  }
  return chains;
}

/**
 * Lists `count` centres: each chain's partner applies for its centres one after another and
 * each application is approved, chains side by side. A chain first reads what its partner has
 * applied for, so a centre listed by a run that stopped before recording it (or by a seed of
 * another scale on the same data) is not listed twice, and an application left waiting is approved.
 */
export async function seedCentres(phase: CentresPhase): Promise<CentresSummary> {
  const started = performance.now();
  const chains = [...chainsOf(phase.count)].filter(([key, plans]) => (phase.ownersDone[key] ?? 0) < plans.length);
  const summary: CentresSummary = {
    count: phase.count,
    created: 0,
    found: 0,
    partners: 0,
    seconds: 0,
  };
  let done = phase.count - chains.reduce((n, [, plans]) => n + plans.length, 0);
  const ownerIds = await phase.writer.ensureOwners(
    chains.map(([key, plans]) => ({ email: partnerEmail(key), name: plans[0]!.owner.name })),
  );
  summary.partners = ownerIds.length;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(phase.concurrency, chains.length) }, async () => {
      while (next < chains.length && !phase.signal?.aborted) {
        const k = next++;
        const [key, plans] = chains[k]!;
        const ownerId = ownerIds[k]!;
        const known = await phase.writer.applicationsOf(ownerId);
        for (const plan of plans) {
          if (phase.signal?.aborted) return;
          const existing = known.find((a) => sameCentre(a, plan));
          if (existing?.status === 'APPROVED' || existing?.status === 'REJECTED') {
            summary.found++;
          } else {
            await phase.writer.approve(existing?.id ?? (await phase.writer.apply(ownerId, plan.application)));
            if (existing) summary.found++;
            else summary.created++;
          }
          phase.onCentre?.(++done);
        }
        phase.ownerDone(key, plans.length);
      }
    }),
  );
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
