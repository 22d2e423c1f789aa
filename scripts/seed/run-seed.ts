import type { Db } from 'mongodb';
import { Authorizer, type FleetCredentials } from '../fleet/credentials.js';
import { provisionFleet } from '../fleet/provision-fleet.js';
import { errorCode } from '../simulator/gateway-client.js';
import { Limiter } from '../simulator/limiter.js';
import { DEFAULT_RETRY_POLICY, sleep } from '../simulator/retry.js';
import { sendWithRetry, type SendContext } from '../simulator/send.js';
import { seedDecisions } from './decisions.js';
import { fleetRequests, ownersOfRequest, readingVehicleIndices } from './fleet-plan.js';
import type { ProgressFile } from './progress.js';
import type { SeedScale } from './scales.js';
import { alertsOf, vehicleTimeline } from './timeline.js';
import type { CentreWriter } from './centres/marketplace-writer.js';
import { seedCentres, type CentresSummary } from './centres/seed-centres.js';

export interface SeedRun {
  /** The gateway's GraphQL endpoint. */
  url: string;
  scale: SeedScale;
  credentials: FleetCredentials;
  progress: ProgressFile;
  /** The agents' database, for the decisions (written through their store); null skips them. */
  agentsDb: Db | null;
  /** How service centres are listed (scripts/seed/centres/); null or left out skips them. */
  centres?: CentreWriter | null;
  /** Partner chains listing their centres at once. Default 4. */
  centreConcurrency?: number;
  /** Health's alerts of these vehicles as they stand, to wait for health to assess the readings; null does not wait. */
  countAlerts?: ((vehicleIds: readonly string[]) => Promise<number>) | null;
  /** Vehicles whose readings go up at once (each vehicle's in order). Default 8. */
  concurrency?: number;
  /** Provisioning requests in flight at once. Default 2. */
  fleetConcurrency?: number;
  log?: (line: string) => void;
  statusEverySeconds?: number;
  /** After each request that stored something: its phase and how many of the phase's are done. */
  onStep?: (phase: 'fleet' | 'readings' | 'decisions' | 'centres', done: number) => void;
  /** How long to wait for health to raise the planned alerts, once everything is sent. Default 900. */
  alertWaitSeconds?: number;
  signal?: AbortSignal;
}

export interface SeedSummary {
  scale: string;
  resumed: boolean;
  fleet: {
    requests: number;
    sent: number;
    ownersCreated: number;
    vehiclesCreated: number;
    devicesPaired: number;
    seconds: number;
  };
  readings: { vehicles: number; uploads: number; sent: number; stored: number; duplicates: number; seconds: number };
  decisions: { count: number; written: number; skipped: boolean; seconds: number };
  centres: CentresSummary & { skipped: boolean };
  alerts: { planned: number; plannedOpen: number; counted: number | null; seconds: number };
  seconds: number;
}

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

const INGEST_READINGS = `mutation SeedIngestReadings($vehicleId: ID!, $readings: [ReadingInput!]!, $idempotencyKey: String) {
  ingestReadings(vehicleId: $vehicleId, readings: $readings, idempotencyKey: $idempotencyKey) {
    readingsStored duplicate rejected
  }
}`;

const fmt = (n: number) => n.toLocaleString('en-US');
const since = (t0: number) => (performance.now() - t0) / 1000;

/** Runs `work` over `items` with at most `limit` at once; stops taking new items once `signal` aborts. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && !signal?.aborted) await work(items[next++]!);
    }),
  );
}

/**
 * `npm run seed`: the scale's customers, vehicles and paired dongles through provisionFleet, the
 * reading vehicles' histories through ingestReadings with their device tokens (health raises the
 * alerts from them), and the agents' decisions through their store. Resumes from `progress`.
 */
export async function runSeed(run: SeedRun): Promise<SeedSummary> {
  const { scale, progress, signal, log = console.log } = run;
  const state = progress.state;
  const anchor = new Date(state.anchor);
  const started = performance.now();
  // Without the signal: stopping lets the requests in flight finish (and be recorded), then ends.
  const ctx: SendContext = {
    url: run.url,
    limiter: new Limiter(Math.max(run.concurrency ?? 8, run.fleetConcurrency ?? 2)),
    policy: DEFAULT_RETRY_POLICY,
  };
  const auth = new Authorizer(ctx, run.credentials);
  let status = () => '';
  const ticker = setInterval(
    () => {
      const line = status();
      if (line) log(line);
      progress.save(false);
    },
    (run.statusEverySeconds ?? 5) * 1000,
  );
  const stopped = () => {
    if (signal?.aborted) throw new SeedError('stopped; run the same command again to resume');
  };

  try {
    log(
      `seeding scale ${scale.name}${progress.resumed ? ' (resuming)' : ''} at ${run.url}: ${fmt(scale.customers)} customers, ` +
        `${fmt(scale.vehicles)} vehicles with dongles, ${scale.readingDays} days of readings for ${fmt(scale.readingVehicles)}, ` +
        `${fmt(scale.decisions)} decisions, ${fmt(scale.alerts)} alerts, ${fmt(scale.centres)} service centres`,
    );

    // 1. Owners, vehicles, dongles.
    const fleet = {
      requests: fleetRequests(scale),
      sent: 0,
      ownersCreated: 0,
      vehiclesCreated: 0,
      devicesPaired: 0,
      seconds: 0,
    };
    const readingSet = new Set(readingVehicleIndices(scale));
    const done = new Set(state.fleet.requestsDone);
    const pending = Array.from({ length: fleet.requests }, (_, r) => r).filter((r) => !done.has(r));
    let t0 = performance.now();
    status = () =>
      `fleet: ${fmt(done.size)}/${fmt(fleet.requests)} requests of 100 owners, ${fmt(fleet.vehiclesCreated)} vehicles created ` +
      `(${fmt(Math.round(fleet.vehiclesCreated / Math.max(since(t0), 0.001)))}/s)`;
    await pool(pending, run.fleetConcurrency ?? 2, signal, async (request) => {
      const owners = ownersOfRequest(scale, request);
      const result = await provisionFleet(
        ctx,
        auth,
        `seed-${state.runKey}-fleet-${request}`,
        owners.map((o) => o.plan),
      );
      owners.forEach((owner, i) =>
        owner.vehicles.forEach((vehicle, k) => {
          if (!readingSet.has(vehicle.index)) return;
          const provisioned = result.owners[i]!.vehicles[k]!;
          if (provisioned.deviceToken) {
            state.fleet.devices[vehicle.index] = {
              vehicleId: provisioned.vehicleId,
              deviceToken: provisioned.deviceToken,
            };
          } else if (!state.fleet.devices[vehicle.index]) {
            throw new SeedError(
              `vehicle ${vehicle.vin} has a dongle already but this seed does not hold its token (its progress file is ` +
                `gone, or older than a day): seed a fresh database, or pass --restart`,
            );
          }
        }),
      );
      fleet.sent++;
      fleet.ownersCreated += result.ownersCreated;
      fleet.vehiclesCreated += result.vehiclesCreated;
      fleet.devicesPaired += result.devicesPaired;
      done.add(request);
      state.fleet.requestsDone.push(request);
      progress.save();
      run.onStep?.('fleet', done.size);
    });
    stopped();
    fleet.seconds = since(t0);
    log(
      `fleet: done in ${fleet.seconds.toFixed(1)} s (${fmt(fleet.sent)} requests sent, ${fmt(fleet.ownersCreated)} customers, ` +
        `${fmt(fleet.vehiclesCreated)} vehicles and ${fmt(fleet.devicesPaired)} dongles created)`,
    );

    // 2. Telemetry histories (health raises the alerts from them).
    const readers = readingVehicleIndices(scale).map((index, rank) => ({ index, rank }));
    const readings = { vehicles: readers.length, uploads: 0, sent: 0, stored: 0, duplicates: 0, seconds: 0 };
    let alertsPlanned = 0;
    let alertsOpen = 0;
    for (const { rank } of readers) {
      const { total, leftOpen } = alertsOf(scale, rank);
      alertsPlanned += total;
      alertsOpen += leftOpen ? 1 : 0;
      readings.uploads += vehicleTimeline(scale, rank, anchor).uploads.length;
    }
    const uploadsDone = () => Object.values(state.readings.uploadsDone).reduce((a, b) => a + b, 0);
    t0 = performance.now();
    status = () =>
      `readings: ${fmt(uploadsDone())}/${fmt(readings.uploads)} uploads, ${fmt(readings.stored)} readings stored ` +
      `(${fmt(Math.round(readings.stored / Math.max(since(t0), 0.001)))}/s)`;
    await pool(readers, run.concurrency ?? 8, signal, async ({ index, rank }) => {
      const device = state.fleet.devices[index];
      if (!device) throw new SeedError(`no device token for reading vehicle ${index}; pass --restart`);
      const { uploads } = vehicleTimeline(scale, rank, anchor);
      for (let u = state.readings.uploadsDone[index] ?? 0; u < uploads.length && !signal?.aborted; u++) {
        const [result] = await sendWithRetry(
          ctx,
          [
            {
              query: INGEST_READINGS,
              variables: {
                vehicleId: device.vehicleId,
                readings: uploads[u],
                idempotencyKey: `seed-${state.runKey}-r${index}-${u}`,
              },
            },
          ],
          device.deviceToken,
        );
        const data = (result.data as { ingestReadings?: { readingsStored: number; duplicate: boolean } } | null)
          ?.ingestReadings;
        if (!data) throw new SeedError(ingestFailure(result.errors?.[0], scale));
        readings.sent++;
        readings.stored += data.readingsStored;
        if (data.duplicate) readings.duplicates++;
        state.readings.uploadsDone[index] = u + 1;
        progress.changed();
        run.onStep?.('readings', uploadsDone());
      }
    });
    progress.save();
    stopped();
    readings.seconds = since(t0);
    log(
      `readings: done in ${readings.seconds.toFixed(1)} s (${fmt(readings.sent)} uploads sent, ${fmt(readings.stored)} readings stored` +
        `${readings.duplicates ? `, ${fmt(readings.duplicates)} already stored` : ''})`,
    );

    // 3. Decisions, through the agents' store.
    const decisions = { count: scale.decisions, written: 0, skipped: run.agentsDb === null, seconds: 0 };
    t0 = performance.now();
    if (run.agentsDb && state.decisions.done < scale.decisions) {
      const from = state.decisions.done;
      status = () => `decisions: ${fmt(state.decisions.done)}/${fmt(scale.decisions)}`;
      await seedDecisions(
        run.agentsDb,
        { scaleName: scale.name, count: scale.decisions, days: Math.max(scale.readingDays, 1), anchor, from },
        (count) => {
          state.decisions.done = count;
          progress.save();
          run.onStep?.('decisions', count);
          stopped();
        },
      );
      decisions.written = state.decisions.done - from;
    } else if (!run.agentsDb) {
      log(
        'decisions: skipped (they are written through the agents store, which needs the database: pass --mongodb-uri)',
      );
    }
    decisions.seconds = since(t0);
    if (!decisions.skipped) log(`decisions: ${fmt(decisions.written)} written in ${decisions.seconds.toFixed(1)} s`);

    // 4. Service centres, as their partners apply and an admin approves.
    let centres: SeedSummary['centres'] = {
      count: scale.centres,
      created: 0,
      found: 0,
      partners: 0,
      seconds: 0,
      skipped: !run.centres,
    };
    if (run.centres && scale.centres > 0) {
      let listed = 0;
      status = () => `centres: ${fmt(listed)}/${fmt(scale.centres)} listed`;
      centres = {
        ...(await seedCentres({
          count: scale.centres,
          writer: run.centres,
          concurrency: run.centreConcurrency ?? 4,
          ownersDone: state.centres.ownersDone,
          ownerDone: (key, count) => {
            state.centres.ownersDone[key] = count;
            progress.save();
          },
          onCentre: (done) => {
            listed = done;
            run.onStep?.('centres', done);
          },
          signal,
        })),
        skipped: false,
      };
      stopped();
      log(
        `centres: ${fmt(centres.created)} listed in ${centres.seconds.toFixed(1)} s by ${fmt(centres.partners)} partners` +
          `${centres.found ? ` (${fmt(centres.found)} were already)` : ''}`,
      );
    } else if (!run.centres && scale.centres > 0) {
      log(
        "centres: skipped (listed through the marketplace's own services in the stack the seed starts, approved as its admin: run it without --url, with an admin account, ADMIN_EMAIL and ADMIN_PASSWORD)",
      );
    }

    // 5. Health assesses what was sent: wait for its alerts.
    status = () => '';
    const alerts = { planned: alertsPlanned, plannedOpen: alertsOpen, counted: null as number | null, seconds: 0 };
    t0 = performance.now();
    const countAlerts = run.countAlerts;
    if (countAlerts && alertsPlanned > 0) {
      const vehicleIds = readers.map(({ index }) => state.fleet.devices[index]!.vehicleId);
      alerts.counted = await waitForAlerts(
        () => countAlerts(vehicleIds),
        alertsPlanned,
        run.alertWaitSeconds ?? 900,
        signal,
        (line) => log(line),
      );
      alerts.seconds = since(t0);
      log(
        `alerts: ${fmt(alerts.counted)} raised by health (planned ${fmt(alertsPlanned)}, ${fmt(alertsOpen)} left open)`,
      );
    }
    return {
      scale: scale.name,
      resumed: progress.resumed,
      fleet,
      readings,
      decisions,
      centres,
      alerts,
      seconds: since(started),
    };
  } finally {
    clearInterval(ticker);
    progress.save();
  }
}

/** Polls until health has raised `planned` alerts, or its count holds still for 60 s, or `limitSeconds` pass. */
async function waitForAlerts(
  count: () => Promise<number>,
  planned: number,
  limitSeconds: number,
  signal: AbortSignal | undefined,
  log: (line: string) => void,
): Promise<number> {
  const deadline = Date.now() + limitSeconds * 1000;
  let last = -1;
  let changedAt = Date.now();
  let loggedAt = 0;
  for (;;) {
    const now = await count();
    if (now !== last) {
      last = now;
      changedAt = Date.now();
    }
    if (now >= planned || Date.now() - changedAt > 60_000 || Date.now() > deadline || signal?.aborted) return now;
    if (Date.now() - loggedAt > 5000) {
      log(`alerts: ${fmt(now)}/${fmt(planned)} raised so far (health is assessing the readings)`);
      loggedAt = Date.now();
    }
    await sleep(1000, signal);
  }
}

function ingestFailure(
  error: { message: string; extensions?: { code?: string } } | undefined,
  scale: SeedScale,
): string {
  if (!error) return 'ingestReadings answered no data';
  const hint = /retention window/.test(error.message)
    ? ` The server keeps telemetry for fewer days than the seed's ${scale.readingDays}-day history: start it with ` +
      `TELEMETRY_RETENTION_DAYS=${scale.readingDays + 7} (or more).`
    : '';
  return `ingestReadings refused: ${errorCode(error)}: ${error.message}.${hint}`;
}
