import { randomBytes, randomInt } from 'node:crypto';
import { CITIES } from '../seed/centres/cities.js';
import { Authorizer, credentialsFrom, CredentialsError, type FleetCredentials } from '../fleet/credentials.js';
import { BookingSimulation, MAX_BOOKING_DRIVERS, type BookingStats } from './bookings/booking-sim.js';
import { assignFaults, type Fault } from './faults.js';
import { Limiter } from './limiter.js';
import { ObdDevice, randomAdapterProfile } from './obd-device.js';
import { validateOptions, type SimulationInput, type SimulationSettings } from './options.js';
import { createRandom, type Random } from './random.js';
import { DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './retry.js';
import type { SendContext } from './send.js';
import { driverEmail, driverName, setUpFleet, type SimulatedVehicle } from './setup.js';
import { formatStatus, SimulationStats, type StatsSnapshot } from './stats.js';
import { uploadRounds, uploadSamples, type Sample } from './uploader.js';
import { uploadSlot } from './upload-slot.js';
import { VehicleSim } from './vehicle-sim.js';

export interface RunOptions extends SimulationInput {
  /** Stops the run cleanly: no new rounds, buffered ones flushed, the summary returned. */
  signal?: AbortSignal;
  /** Progress and status lines (default console.log). */
  log?: (line: string) => void;
  statusEverySeconds?: number;
  /** After the stop (signal or duration), how long uploads still in progress may take before they
   *  are abandoned: an unreachable gateway must not keep the run going for minutes. */
  flushGraceSeconds?: number;
  /** How uploads are retried (DEFAULT_RETRY_POLICY; tests shorten it). */
  retryPolicy?: RetryPolicy;
  /** With `book`: how often drivers look at their alerts and the garage at its bookings (default 5 s). */
  bookingPollMs?: number;
}

export const DEFAULT_FLUSH_GRACE_SECONDS = 20;

export interface VehicleSummary {
  index: number;
  vehicleId: string;
  vin: string;
  make: string;
  model: string;
  year: number;
  ownerEmail: string;
  faults: Fault[];
}

export interface SimulationSummary extends StatsSnapshot {
  runId: string;
  settings: SimulationSettings;
  vehicles: VehicleSummary[];
  stoppedBy: 'duration' | 'signal';
  /** With `book`: the garage, its city, the drivers who book, and what became of their bookings. */
  bookings?: BookingStats & { centreId: string; city: string; drivers: number };
}

/** `--book` approves its garage as the admin, whatever provisions the fleet (an API key cannot approve partners). */
export function bookingAdmin(
  given: { adminEmail?: string; adminPassword?: string },
  env: NodeJS.ProcessEnv = process.env,
): { email: string; password: string } {
  const email = given.adminEmail ?? env.ADMIN_EMAIL;
  const password = given.adminPassword ?? env.ADMIN_PASSWORD;
  if (!email || !password) {
    throw new CredentialsError(
      '--book approves the simulated garage as an admin: set ADMIN_EMAIL and ADMIN_PASSWORD (the admin `npm start` creates)',
    );
  }
  return { email, password };
}

/**
 * Sets up owners, vehicles and dongles through the gateway, then streams every vehicle's ELM327
 * frames until the duration ends or the signal aborts. `settings.seed` fixes the drive cycles,
 * faults and frames; accounts and VINs are new on every run, so runs never collide in a database.
 */
export async function runSimulation(options: RunOptions = {}): Promise<SimulationSummary> {
  const {
    signal,
    log = console.log,
    statusEverySeconds = 5,
    flushGraceSeconds = DEFAULT_FLUSH_GRACE_SECONDS,
    retryPolicy = DEFAULT_RETRY_POLICY,
    ...input
  } = options;
  const settings = validateOptions(input);
  const runId = randomBytes(3).toString('hex');
  const root = createRandom(settings.seed);
  const limiter = new Limiter(settings.concurrency);

  const credentials = credentialsFrom(settings);
  const admin = settings.book ? bookingAdmin(settings) : null;
  log(`setting up ${settings.vehicles} vehicle(s) at ${settings.url} (run ${runId}, seed ${settings.seed})...`);
  // Before the fleet: provisioning adds each car to the account its driver registered.
  const booking = admin
    ? await setUpBookings(
        { url: settings.url, limiter: new Limiter(4), policy: DEFAULT_RETRY_POLICY, signal },
        settings,
        {
          runId,
          root,
          admin,
          log,
        },
      ).catch((error: unknown) => {
        throw signal?.aborted ? new Error('stopped during set-up') : error;
      })
    : null;
  // Stopping during set-up abandons it at once: there is nothing worth finishing.
  const vehicles = await setUp(
    { url: settings.url, limiter, policy: DEFAULT_RETRY_POLICY, signal },
    credentials,
    settings,
    runId,
    root,
  ).catch((error: unknown) => {
    throw signal?.aborted ? new Error('stopped during set-up') : error;
  });
  if (signal?.aborted) throw new Error('stopped during set-up');
  booking?.attach(vehicles);
  log(
    `ready: ${describeFaults(vehicles)}; streaming at ${settings.hz} Hz${settings.durationSeconds ? ` for ${settings.durationSeconds} s` : ' until Ctrl-C'}`,
  );

  const stats = new SimulationStats();
  const startedAt = Date.now();
  const stop = signal ?? new AbortController().signal;
  const giveUp = new AbortController();
  let giveUpTimer: NodeJS.Timeout | undefined;
  const graceStarts = () => (giveUpTimer ??= setTimeout(() => giveUp.abort(), flushGraceSeconds * 1000));
  stop.addEventListener('abort', graceStarts, { once: true });
  // With --upload-every the last uploads go at each dongle's own time, up to an interval after the end.
  const lastUploadSeconds = (settings.durationSeconds ?? 0) + (settings.uploadEverySeconds ?? 0);
  const durationTimer = settings.durationSeconds ? setTimeout(graceStarts, lastUploadSeconds * 1000) : undefined;
  const status = settings.quiet
    ? undefined
    : setInterval(
        () => log(formatStatus((Date.now() - startedAt) / 1000, vehicles.length, stats.takeWindow())),
        statusEverySeconds * 1000,
      );
  const send = { url: settings.url, limiter, policy: retryPolicy, stats, signal: giveUp.signal };
  const bookingsEnd = new AbortController();
  const booked = booking?.run(bookingsEnd.signal, options.bookingPollMs);
  try {
    await Promise.all(vehicles.map((vehicle) => drive(vehicle, root, settings, send, startedAt, stop)));
  } finally {
    bookingsEnd.abort();
    await booked;
    clearInterval(status);
    clearTimeout(durationTimer);
    clearTimeout(giveUpTimer);
    stop.removeEventListener('abort', graceStarts);
  }
  return {
    ...stats.totals(),
    runId,
    settings,
    vehicles: vehicles.map(({ device: _credentials, ...vehicle }) => vehicle),
    stoppedBy: signal?.aborted ? 'signal' : 'duration',
    ...(booking
      ? {
          bookings: {
            ...booking.stats,
            centreId: booking.centreId,
            city: booking.city.name,
            drivers: booking.driverCount,
          },
        }
      : {}),
  };
}

/**
 * The garage, in a city drawn from the seed (the seed's cities: its centres are there too), and
 * the accounts of the drivers of faulty cars (the ones whose alerts will open), at most
 * MAX_BOOKING_DRIVERS of them.
 */
async function setUpBookings(
  ctx: SendContext,
  settings: SimulationSettings,
  run: { runId: string; root: Random; admin: { email: string; password: string }; log: (line: string) => void },
): Promise<BookingSimulation> {
  const faults = assignFaults(settings.faults, settings.vehicles, run.root.fork('faults'));
  const faulty = faults.flatMap((f, index) => (f.length > 0 ? [index] : [])).slice(0, MAX_BOOKING_DRIVERS);
  const city = run.root.fork('city').pick(CITIES);
  run.log(
    `--book: a garage in ${city.name} and ${faulty.length} driver account(s) (the gateway meters registrations: ` +
      'a few a second at most)...',
  );
  return BookingSimulation.setUp({
    ctx,
    runId: run.runId,
    city,
    admin: run.admin,
    drivers: faulty.map((index) => ({ index, email: driverEmail(index, run.runId), name: driverName(index) })),
    random: run.root.fork('bookings'),
  });
}

async function setUp(
  send: SendContext,
  credentials: FleetCredentials,
  settings: SimulationSettings,
  runId: string,
  root: Random,
): Promise<SimulatedVehicle[]> {
  const faults = assignFaults(settings.faults, settings.vehicles, root.fork('faults'));
  // VINs from an unseeded source: a replayed seed must not collide with the last run's vehicles.
  const identities = createRandom(randomInt(2 ** 31));
  return setUpFleet(send, new Authorizer(send, credentials), { runId, faults, identities });
}

/** Rounds a dongle keeps while it cannot upload; past it the oldest are dropped (and counted lost). */
export const MAX_BACKLOG_ROUNDS = 100;

/** Rounds per upload: `batch`, or with --upload-every the rounds taken in that time. */
export const roundsPerUpload = (settings: Pick<SimulationSettings, 'batch' | 'hz' | 'uploadEverySeconds'>) =>
  settings.uploadEverySeconds ? Math.max(1, Math.round(settings.uploadEverySeconds * settings.hz)) : settings.batch;

/** A dongle that uploads every few seconds holds at least three uploads' worth before it drops any. */
export const backlogRounds = (settings: Pick<SimulationSettings, 'batch' | 'hz' | 'uploadEverySeconds'>) =>
  Math.max(MAX_BACKLOG_ROUNDS, 3 * roundsPerUpload(settings));

/**
 * One dongle's life: a polling round every 1/hz s, uploaded every `batch` rounds (each its own
 * ingestObdFrames), or with --upload-every every so many seconds (one ingestObdRounds). Vehicles are
 * spread over the period so that they do not all call at the same instant. While an upload is
 * slow the dongle keeps its clock: the rounds that fell due meanwhile are taken at once (stamped
 * with when they were due) and go up together in the next upload, as a backlog does. So the load
 * adapts to what the server sustains, and memory stays bounded when it sustains nothing.
 */
export async function drive(
  vehicle: SimulatedVehicle,
  root: Random,
  settings: SimulationSettings,
  send: SendContext & { stats: SimulationStats },
  startedAt: number,
  stop: AbortSignal,
): Promise<void> {
  const random = root.fork(`vehicle:${vehicle.index}`);
  const car = new VehicleSim(random.fork('car'), vehicle.faults);
  const dongle = new ObdDevice(random.fork('adapter'), randomAdapterProfile(random.fork('profile')), settings.hz);
  const periodMs = 1000 / settings.hz;
  const offsetMs = (vehicle.index / settings.vehicles) * periodMs;
  const endAt = settings.durationSeconds ? startedAt + settings.durationSeconds * 1000 : Number.POSITIVE_INFINITY;
  const dueAt = (index: number) => startedAt + offsetMs + index * periodMs;
  const buffer: Sample[] = [];
  const perUpload = roundsPerUpload(settings);
  const backlog = backlogRounds(settings);
  const upload = settings.uploadEverySeconds ? uploadRounds : uploadSamples;
  // With --upload-every the dongle uploads on its clock: rounds taken since the last upload, not
  // what it holds (rounds refused for now go up with the next upload, not at once). Each dongle
  // has its own place in the upload interval (see upload-slot.ts): a fleet switched on together
  // would otherwise upload together, every one of them in the same second.
  let sinceUpload = settings.uploadEverySeconds ? uploadSlot(random, perUpload) : 0;

  let index = 0; // the next round: once the loop ends, the first one not taken
  for (; dueAt(index) < endAt; index++) {
    await sleep(dueAt(index) - Date.now(), stop);
    if (stop.aborted) break;
    const snapshot = index === 0 ? car.snapshot : car.advance(periodMs / 1000);
    buffer.push({ index, recordedAt: new Date(dueAt(index)), frames: dongle.read(snapshot, index) });
    send.stats.count('samples');
    sinceUpload++;
    if (buffer.length > backlog) {
      buffer.shift();
      send.stats.count('samplesLost');
    }
    const behind = dueAt(index + 1) <= Date.now() && dueAt(index + 1) < endAt;
    if ((settings.uploadEverySeconds ? sinceUpload : buffer.length) >= perUpload && !behind) {
      sinceUpload = 0;
      // Rounds the server refused for now go back in front, for the next upload; a full buffer
      // drops its oldest, as above.
      buffer.unshift(...(await upload(send, vehicle.device, buffer.splice(0), { keepRefused: true })));
      for (; buffer.length > backlog; buffer.shift()) send.stats.count('samplesLost');
    }
  }
  // With --upload-every, a run that reaches its duration sends the rest at the dongle's next
  // upload time, the upload it would have made had the run gone on: a fleet of independent
  // dongles does not all power off in the same second, and sending every dongle's remainder at
  // once would measure a burst of the whole fleet that only the end of a run makes. A stop
  // (Ctrl-C) sends it at once.
  if (settings.uploadEverySeconds && buffer.length > 0 && !stop.aborted) {
    await sleep(dueAt(index - 1 + perUpload - sinceUpload) - Date.now(), stop);
  }
  // What the dongle still holds goes up before it powers off: it keeps trying what a busy server
  // refuses for now until the run gives up on it (`send.signal`, the grace period after the end),
  // as a parked car's dongle does. A fleet stopped together flushes together.
  while (buffer.length > 0) {
    const keepRefused = send.signal !== undefined && !send.signal.aborted;
    buffer.push(...(await upload(send, vehicle.device, buffer.splice(0), { keepRefused })));
    if (buffer.length > 0) await sleep(500 + Math.random() * 1000, send.signal);
  }
}

function describeFaults(vehicles: readonly SimulatedVehicle[]): string {
  const counts = new Map<Fault, number>();
  for (const vehicle of vehicles) for (const fault of vehicle.faults) counts.set(fault, (counts.get(fault) ?? 0) + 1);
  const faults = [...counts].map(([fault, n]) => `${fault} ×${n}`).join(', ');
  return `${vehicles.length} vehicle(s), ${faults ? `faults: ${faults}` : 'no faults'}`;
}
