import type { SimulationSummary } from './run-simulation.js';
import { formatCodes } from './stats.js';

/** Faulty vehicles listed in the summary, so that they can be found in the API; more are counted. */
const LISTED_FAULTY = 10;

export function formatSummary(s: SimulationSummary): string {
  const rate = (n: number) => (s.seconds > 0 ? (n / s.seconds).toFixed(1) : '0.0');
  const faulty = s.vehicles.filter((v) => v.faults.length > 0);
  const lines = [
    `summary of run ${s.runId} (seed ${s.settings.seed}, stopped by ${s.stoppedBy} after ${s.seconds.toFixed(1)} s)`,
    `  vehicles           ${s.vehicles.length}`,
    `  polling rounds     ${s.samples}`,
    `  frames sent        ${s.framesSent} (${rate(s.framesSent)}/s) in ${s.requests} request(s)`,
    `  readings stored    ${s.readingsStored} (${rate(s.readingsStored)}/s)`,
    `  trouble codes      ${s.dtcsReported} reported`,
    `  rejected frames    ${formatCodes(s.rejectedFrames)}`,
    `  errors             ${formatCodes(s.errors)}`,
    `  rounds stored      ${s.samplesStored} of ${s.samples} (${s.samplesLost} lost)`,
    `  retries            ${s.retries} (${s.duplicates} already stored)`,
    `  ingest latency     p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms`,
  ];
  if (s.bookings) {
    const b = s.bookings;
    lines.push(
      `  bookings           ${b.requested} requested by ${b.drivers} driver(s) for their alerts at the garage in ${b.city} ` +
        `(centre ${b.centreId}) or near it; ${b.confirmed} confirmed, ${b.started} started, ${b.completed} completed by the garage; ` +
        `${b.slotsTaken} slot(s) taken meanwhile; errors ${formatCodes(b.errors)}`,
    );
  }
  if (faulty.length > 0) lines.push('  faulty vehicles');
  for (const v of faulty.slice(0, LISTED_FAULTY)) {
    lines.push(
      `    ${v.vin} ${v.faults.join(', ')}: vehicle ${v.vehicleId}, ${v.year} ${v.make} ${v.model}, ${v.ownerEmail}`,
    );
  }
  if (faulty.length > LISTED_FAULTY) lines.push(`    ... and ${faulty.length - LISTED_FAULTY} more`);
  return lines.join('\n');
}
