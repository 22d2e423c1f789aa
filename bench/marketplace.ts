import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { mapBounded } from '../platform/async/map-bounded.js';
import { INTERNAL_SECRET_HEADER, type Role } from '../platform/auth/viewer.js';
import { CentreStore } from '../subgraphs/marketplace/centres/centre.store.js';
import { NearbyService } from '../subgraphs/marketplace/search/nearby.service.js';
import type { BenchSystem } from './lib/bench-system.js';
import { bearerHeaders, internalHeaders, JSON_HEADERS } from './lib/graphql-http.js';
import { LatencyRecorder } from './lib/latency.js';
import type { BurstResult, BurstSettings } from './lib/marketplace/burst.js';
import { bookableCentre, searchPoints, seedCentres, slotStarts } from './lib/marketplace/data.js';
import { BAYS, parseMarketplaceOptions, type MarketplaceOptions } from './lib/marketplace/options.js';
import {
  failures,
  formatReport,
  perSecond,
  type BookingRun,
  type MarketplaceReport,
  type SearchRun,
} from './lib/marketplace/report.js';
import { settledMemorySnapshot } from './lib/memory.js';
import { environment } from './lib/report.js';
import { runSystemBenchmark } from './lib/run-benchmark.js';
import { seedSession, seedVehicle } from './lib/seed.js';
import { runVariantLoad, type Variant } from './lib/variant-load.js';
import type { Worker } from './lib/worker.js';

/*
 * The marketplace at the size of its benchmark (issue #12): a nearby search over 10,000 service
 * centres, measured in the marketplace's own NearbyService (no HTTP), straight at the
 * marketplace subgraph (the internal secret, as the gateway calls it) and through the gateway,
 * so the hops are ratios of one run; then 500 requestBooking at once on 50 slots of a 2-bay
 * centre, straight at the subgraph and through the gateway (a centre each): exactly 100 must be
 * booked, the rest CONFLICT, or the run fails. Loads come from other processes.
 * `npm run bench:marketplace -- --quick` for a short run; bench/README.md says what each figure means.
 */

const NEARBY = `query BenchNearby($near: GeoPointInput!, $radiusKm: Float!) {
  serviceCentres(near: $near, radiusKm: $radiusKm, first: 20) { edges { node { id name distanceKm } } }
}`;
const REQUEST_BOOKING = `mutation BenchRequestBooking($input: BookingInput!) {
  requestBooking(input: $input) { id status slotStart }
}`;
const DRIVERS = 10;

type Point = { lat: number; lng: number };

/**
 * The nearest centre the service finds for each point (null for none): what every path must
 * answer. A few at a time: the embedded database serves 200 searches at once, each reading a
 * couple of thousand centres in the suburbs, far slower than one after another.
 */
async function expectedNearest(nearby: NearbyService, points: Point[], options: MarketplaceOptions) {
  return mapBounded(
    points,
    options.connections,
    async (near) =>
      (await nearby.searchCompact({ near, radiusKm: options.radiusKm, first: 20 })).edges[0]?.node.id ?? null,
  );
}

/**
 * The same searches in this process, `connections` at a time: what the search costs without
 * HTTP, GraphQL or the gateway. `searchCompact`, as the GraphQL search for id, name and distance:
 * the centres' compact copies, no whole centre.
 */
async function serviceRun(
  nearby: NearbyService,
  points: Point[],
  expected: (string | null)[],
  options: MarketplaceOptions,
): Promise<SearchRun> {
  const loadAverage1m = loadavg()[0]!;
  const run = async (seconds: number, latency: LatencyRecorder | null) => {
    const deadline = performance.now() + seconds * 1000;
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < deadline) {
          const i = next++ % points.length;
          const t0 = performance.now();
          const page = await nearby.searchCompact({ near: points[i]!, radiusKm: options.radiusKm, first: 20 });
          latency?.record(performance.now() - t0);
          if ((page.edges[0]?.node.id ?? null) !== expected[i]) failed++;
        }
      }),
    );
    return failed;
  };
  await run(options.warmupSeconds, null);
  const latency = new LatencyRecorder();
  const failed = await run(options.durationSeconds, latency);
  const summary = latency.summary();
  return {
    path: 'NearbyService (in process)',
    requests: summary.count,
    requestsPerSecond: perSecond(summary.count, options.durationSeconds),
    latencyMs: summary,
    failures: failed,
    samples: [],
    loadAverage1m,
  };
}

async function httpRun(
  path: string,
  url: string,
  headers: Record<string, string>,
  points: Point[],
  expected: (string | null)[],
  options: MarketplaceOptions,
): Promise<SearchRun> {
  const variants: Variant[] = points.map((near, i) => ({
    headers,
    body: JSON.stringify({ query: NEARBY, variables: { near, radiusKm: options.radiusKm } }),
    mustInclude: [expected[i] ? `"id":"${expected[i]}"` : '"edges":[]'],
  }));
  const loadAverage1m = loadavg()[0]!;
  const r = await runVariantLoad({
    url,
    variants,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  });
  return {
    path,
    requests: r.requests,
    requestsPerSecond: r.requestsPerSecond,
    latencyMs: r.latencyMs,
    failures: r.wrongBodies + r.socketErrors,
    samples: r.wrongBodySamples,
    loadAverage1m,
  };
}

interface Driver {
  vehicleId: string;
  gatewayHeaders: Record<string, string>;
  subgraphHeaders: Record<string, string>;
}

async function bookingRun(
  path: 'subgraph' | 'gateway',
  url: string,
  bench: BenchSystem,
  worker: Worker<BurstSettings>,
  drivers: Driver[],
  options: MarketplaceOptions,
): Promise<BookingRun> {
  const db = bench.system.deps.mongo.db('marketplace');
  const centreId = await bookableCentre(db, `Bench Garage (${path})`);
  const slots = slotStarts(options.slots);
  const run = Math.random().toString(36).slice(2, 10);
  // Request i asks for slot i mod slots; a slot's requests come from different customers.
  const requests = Array.from({ length: options.requests }, (_, i) => {
    const driver = drivers[Math.floor(i / options.slots) % drivers.length]!;
    return {
      headers: path === 'gateway' ? driver.gatewayHeaders : driver.subgraphHeaders,
      body: JSON.stringify({
        query: REQUEST_BOOKING,
        variables: {
          input: {
            centreId,
            vehicleId: driver.vehicleId,
            service: 'OIL_CHANGE',
            slotStart: slots[i % options.slots],
            idempotencyKey: `bench-${run}-${i}`,
          },
        },
      }),
    };
  });
  const loadAverage1m = loadavg()[0]!;
  const burst = await worker.call<BurstResult>({ url, requests });
  const latency = new LatencyRecorder();
  const other: Record<string, number> = {};
  const perSlot = new Array<number>(options.slots).fill(0);
  let booked = 0;
  let conflicts = 0;
  burst.outcomes.forEach((o, i) => {
    latency.record(o.ms);
    if (o.bookingId) {
      booked++;
      perSlot[i % options.slots]!++;
    } else if (o.code === 'CONFLICT') conflicts++;
    else other[o.code ?? 'NONE'] = (other[o.code ?? 'NONE'] ?? 0) + 1;
  });
  const expected = Math.min(options.requests, options.slots * BAYS);
  const perSlotExpected = (s: number) =>
    Math.min(BAYS, Math.floor(options.requests / options.slots) + (s < options.requests % options.slots ? 1 : 0));
  return {
    path,
    requests: options.requests,
    expected,
    booked,
    conflicts,
    other,
    slotsWrong: perSlot.filter((n, s) => n !== perSlotExpected(s)).length,
    stored: await db.collection('bookings').countDocuments({ centreId, status: 'REQUESTED' }),
    seconds: burst.seconds,
    requestsPerSecond: perSecond(options.requests, burst.seconds),
    latencyMs: latency.summary(),
    loadAverage1m,
  };
}

async function measure(
  bench: BenchSystem,
  worker: Worker<BurstSettings>,
  options: MarketplaceOptions,
): Promise<MarketplaceReport> {
  const startedAt = new Date().toISOString();
  const db = bench.system.deps.mongo.db('marketplace');
  console.log(`seeding ${options.centres.toLocaleString('en-US')} service centres through the centre store...`);
  const centresSeedSeconds = await seedCentres(db, options.centres, console.log);
  const nearby = new NearbyService(new CentreStore(db));
  const points = searchPoints(options.points);
  const expected = await expectedNearest(nearby, points, options);
  const before = settledMemorySnapshot();

  console.log('nearby search: in process...');
  const service = await serviceRun(nearby, points, expected, options);
  console.log('nearby search: straight at the marketplace subgraph...');
  const subgraphHeaders = { ...JSON_HEADERS, [INTERNAL_SECRET_HEADER]: bench.config.INTERNAL_SECRET! };
  const subgraph = await httpRun(
    'marketplace subgraph',
    bench.subgraphUrl('marketplace'),
    subgraphHeaders,
    points,
    expected,
    options,
  );
  console.log('nearby search: through the gateway...');
  const gateway = await httpRun('gateway', bench.system.url, JSON_HEADERS, points, expected, options);

  console.log(`bookings: ${DRIVERS} customers with a vehicle each...`);
  const drivers: Driver[] = await Promise.all(
    Array.from({ length: DRIVERS }, async () => {
      const session = await seedSession(bench.system.url);
      const { vehicleId } = await seedVehicle(bench.system.url, session);
      const viewer = { kind: 'user' as const, userId: session.user.id, roles: session.user.roles as Role[] };
      return {
        vehicleId,
        gatewayHeaders: bearerHeaders(session.accessToken),
        subgraphHeaders: internalHeaders(bench.config.INTERNAL_SECRET!, viewer),
      };
    }),
  );
  console.log(`bookings: ${options.requests} at once, straight at the subgraph...`);
  const bookingsSubgraph = await bookingRun(
    'subgraph',
    bench.subgraphUrl('marketplace'),
    bench,
    worker,
    drivers,
    options,
  );
  console.log(`bookings: ${options.requests} at once, through the gateway...`);
  const bookingsGateway = await bookingRun('gateway', bench.system.url, bench, worker, drivers, options);
  const after = settledMemorySnapshot();

  return {
    benchmark: 'marketplace',
    startedAt,
    settings: options,
    environment: environment(bench.database, service.loadAverage1m),
    centresSeedSeconds: Math.round(centresSeedSeconds * 10) / 10,
    search: { service, subgraph, gateway },
    bookings: { subgraph: bookingsSubgraph, gateway: bookingsGateway },
    memory: { before, after },
  };
}

runSystemBenchmark({
  name: 'marketplace',
  parseOptions: parseMarketplaceOptions,
  loadProcess: 'bench/lib/marketplace/burst-process.ts',
  measure,
  formatReport,
  failures,
});
