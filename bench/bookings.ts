import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import {
  BookingApplyAsPartnerDocument,
  BookingApprovePartnerDocument,
  ConfirmBookingDocument,
  RequestBookingDocument,
} from '../test/generated/graphql.js';
import { startBenchSystem } from './lib/bench-system.js';
import { bearerHeaders, dataOf, postGraphQL } from './lib/graphql-http.js';
import { LatencyRecorder } from './lib/latency.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import { login, seedSession, seedVehicle } from './lib/seed.js';

/*
 * No double booking under load: `npm run bench:bookings` sends 500 requestBooking at once through
 * the gateway for 50 slots of a 2-bay centre (10 per slot, one customer vehicle each), then the
 * partner confirms every booking made. Exactly 100 must be booked and confirmed, 400 refused with
 * CONFLICT. It reports the requests' throughput and latency. `--requests N --slots S` change the
 * load (bays stay 2). The load is sent from this process, so it shares the CPU with the system.
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('requests', 500);
const SLOTS = arg('slots', 50);
const BAYS = 2;
const DRIVERS = 10;
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

async function main(): Promise<number> {
  const bench = await startBenchSystem();
  try {
    const url = bench.system.url;
    const admin = await login(url, bench.config.ADMIN_EMAIL!, bench.config.ADMIN_PASSWORD!);
    const partner = await seedSession(url);
    const applied = dataOf(
      'applyAsPartner',
      await postGraphQL(
        url,
        BookingApplyAsPartnerDocument,
        {
          input: {
            name: 'Bench Garage',
            address: '1 Bench Road',
            location: { lat: 52.52, lng: 13.405 },
            phone: '+49 30 0000000',
            timezone: 'UTC',
            services: [{ kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 }],
            openingHours: DAYS.map((day) => ({ day, opens: '00:00', closes: '24:00' })) as never,
            bays: BAYS,
          },
        },
        bearerHeaders(partner.accessToken),
      ),
    );
    const centreId = dataOf(
      'approvePartnerApplication',
      await postGraphQL(
        url,
        BookingApprovePartnerDocument,
        { id: applied.applyAsPartner.id },
        bearerHeaders(admin.accessToken),
      ),
    ).approvePartnerApplication.id;
    const drivers = await Promise.all(
      Array.from({ length: DRIVERS }, async () => {
        const session = await seedSession(url);
        return { session, vehicleId: (await seedVehicle(url, session)).vehicleId };
      }),
    );
    // Slots an hour apart from tomorrow 00:00 UTC: every one on the grid of an always-open centre.
    const first = new Date();
    first.setUTCDate(first.getUTCDate() + 1);
    first.setUTCHours(0, 0, 0, 0);
    const slot = (i: number) => new Date(first.getTime() + i * 3_600_000).toISOString();

    console.log(`${REQUESTS} concurrent requestBooking on ${SLOTS} slots of ${BAYS} bays...`);
    const latency = new LatencyRecorder();
    const [load1m] = loadavg();
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const driver = drivers[i % DRIVERS]!;
        const t0 = performance.now();
        const response = await postGraphQL(
          url,
          RequestBookingDocument,
          { input: { centreId, vehicleId: driver.vehicleId, service: 'OIL_CHANGE', slotStart: slot(i % SLOTS) } },
          bearerHeaders(driver.session.accessToken),
        );
        latency.record(performance.now() - t0);
        return response.data?.requestBooking?.id ?? (response.errors?.[0]?.extensions?.code as string) ?? 'ERROR';
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const booked = outcomes.filter((o) => /^[0-9a-f]{24}$/.test(o));
    const conflicts = outcomes.filter((o) => o === 'CONFLICT').length;
    const confirmed = await Promise.all(
      booked.map(async (id) => {
        const r = await postGraphQL(url, ConfirmBookingDocument, { id }, bearerHeaders(partner.accessToken));
        return r.data?.confirmBooking.status === 'CONFIRMED';
      }),
    );
    const summary = latency.summary();
    const expected = Math.min(REQUESTS, SLOTS * BAYS);
    console.log(
      [
        `booked ${booked.length} (expected ${expected}), CONFLICT ${conflicts}, other ${REQUESTS - booked.length - conflicts}`,
        `confirmed ${confirmed.filter(Boolean).length}`,
        `throughput ${(REQUESTS / elapsedS).toFixed(0)} requests/s (${elapsedS.toFixed(2)} s for all)`,
        `latency ms p50 ${summary.p50.toFixed(1)} p95 ${summary.p95.toFixed(1)} p99 ${summary.p99.toFixed(1)} max ${summary.max.toFixed(1)}`,
        `database ${bench.database}, load average before ${load1m.toFixed(1)}`,
      ].join('\n'),
    );
    const failed: string[] = [];
    if (booked.length !== expected) failed.push(`${booked.length} booked instead of ${expected}`);
    if (confirmed.filter(Boolean).length !== booked.length) failed.push('not every booking could be confirmed');
    if (conflicts !== REQUESTS - expected) failed.push(`${conflicts} CONFLICT instead of ${REQUESTS - expected}`);
    return reportFailures(failed);
  } finally {
    await bench.stop();
  }
}

exitWith(main);
