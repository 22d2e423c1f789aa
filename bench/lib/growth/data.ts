import { plannedOwner, readingVehicleIndices } from '../../../scripts/seed/fleet-plan.js';
import { progressPath, ProgressFile } from '../../../scripts/seed/progress.js';
import { SCALES, scaleProblems, type SeedScale } from '../../../scripts/seed/scales.js';
import type { BenchSystem } from '../bench-system.js';
import { bearerHeaders } from '../graphql-http.js';
import { openSessions } from '../seeded/sessions.js';
import type { Subjects } from './queries.js';

/*
 * The data sets bench:growth compares: the seed's `small` scale, then the same shape grown
 * `factor` times by seeding a second scale of (factor - 1) times its size into the same
 * database (scales share no records). Readings cover the same days, so a vehicle's own history
 * stays the same while every collection grows.
 */

export const BASE: SeedScale = SCALES.small;

export function growthScale(factor: number): SeedScale {
  const k = factor - 1;
  const scale: SeedScale = {
    name: `grow${k}`,
    customers: BASE.customers * k,
    vehicles: BASE.vehicles * k,
    readingVehicles: BASE.readingVehicles * k,
    readingDays: BASE.readingDays,
    decisions: BASE.decisions * k,
    alerts: BASE.alerts * k,
    centres: 0,
  };
  const problems = scaleProblems(scale);
  if (problems.length > 0) throw new Error(`--factor ${factor}: ${problems.join('; ')}`);
  return scale;
}

const ADD_DTCS = `mutation GrowthDtcs($vehicleId: ID!, $frames: [String!]!, $idempotencyKey: String) {
  ingestObdFrames(vehicleId: $vehicleId, frames: $frames, idempotencyKey: $idempotencyKey) { readingsStored }
}`;

/** Trouble-code replies (mode 03: P0133, P0171, P0301...), three codes a vehicle, varied by its index. */
const CODES = ['01 33', '01 71', '03 01', '03 02', '04 20', '01 28', '04 42', '05 00'];
const dtcFrame = (index: number) => `43 03 ${[0, 1, 2].map((k) => CODES[(index + 3 * k) % CODES.length]).join(' ')}`;

/**
 * The seed writes no trouble codes; each reading vehicle of `scale` reports three with its own
 * dongle, so that the DTC collection grows with the data set too.
 */
export async function addTroubleCodes(bench: BenchSystem, dataDir: string, scale: SeedScale): Promise<number> {
  const { state } = ProgressFile.open(progressPath(dataDir, scale.name, null), scale.name, 'local', false);
  let sent = 0;
  const readers = readingVehicleIndices(scale);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < readers.length) {
        const index = readers[next++]!;
        const device = state.fleet.devices[index];
        if (!device) throw new Error(`no dongle token for reading vehicle ${index} of ${scale.name}`);
        const response = await fetch(bench.system.url, {
          method: 'POST',
          headers: bearerHeaders(device.deviceToken),
          body: JSON.stringify({
            query: ADD_DTCS,
            variables: {
              vehicleId: device.vehicleId,
              frames: [dtcFrame(index)],
              idempotencyKey: `growth-dtc-${index}`,
            },
          }),
        });
        const text = await response.text();
        if (response.status !== 200 || text.includes('"errors"')) throw new Error(`DTC upload refused: ${text}`);
        sent++;
      }
    }),
  );
  return sent;
}

/** The base scale's first customer (two vehicles, the first with a history), and a staff member. */
export async function growthSubjects(bench: BenchSystem, dataDir: string): Promise<Subjects> {
  const { state } = ProgressFile.open(progressPath(dataDir, BASE.name, null), BASE.name, 'local', false);
  const owner = plannedOwner(BASE, 0);
  const device = state.fleet.devices[owner.vehicles[0]!.index];
  if (!device) throw new Error('the base scale has no history for its first vehicle');
  const [customer] = await openSessions(bench, [owner.plan.email]);
  const [staff] = await openSessions(bench, [bench.config.ADMIN_EMAIL!]);
  const to = new Date(state.anchor);
  return {
    customer: customer!,
    staff: staff!,
    vehicleId: device.vehicleId,
    from: new Date(to.getTime() - (BASE.readingDays + 1) * 86_400_000).toISOString(),
    to: to.toISOString(),
  };
}
