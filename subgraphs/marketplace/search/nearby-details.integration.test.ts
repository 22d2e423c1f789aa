import type { CommandStartedEvent } from 'mongodb';
import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import type { Subgraph } from '../../../platform/subgraph/serve-subgraph.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { codes, subgraphExecution } from '../../../test/subgraph-execution.js';
import { CentreLocationStore, readLocation, type CentreLocationDocument } from '../centres/centre-location.store.js';
import { CentreStore, type CentreProfile } from '../centres/centre.store.js';
import { ServiceKind, Weekday } from '../centres/centre.type.js';
import { createMarketplaceSubgraph } from '../index.js';

/**
 * The GraphQL nearby search answers from the centres' compact copies, and reads the page's whole
 * centres (once, together) only when a client selects a field the copies lack.
 */
const logger = pino({ level: 'silent' });
const bus = new InProcessEventBus();
let subgraph: Subgraph;
const db = useScratchDatabase('marketplace_nearby_details', {
  monitorCommands: true,
  beforeDrop: async () => {
    await subgraph.stop?.();
    await bus.close();
  },
});
const OWNER = 'owner-1';
const owner: Viewer = { kind: 'user', userId: OWNER, roles: ['PARTNER'] };
const stranger: Viewer = { kind: 'user', userId: 'someone', roles: ['CUSTOMER'] };
const POINT = { lat: 45.76, lng: 4.83 };
let store: CentreStore;

const profile = (name: string): CentreProfile => ({
  name,
  address: `${name} road 1`,
  phone: '+33 4 00 00 00 00',
  timezone: 'Europe/Paris',
  services: [{ kind: ServiceKind.BRAKES, priceMinor: 12000, currency: 'EUR', durationMinutes: 90 }],
  openingHours: [{ day: Weekday.TUESDAY, opens: '08:00', closes: '12:30' }],
  closures: [{ from: '2027-08-01', to: '2027-08-15', reason: 'Summer' }],
  bays: 3,
});

/** The `find`s sent to service_centres while `work` runs. */
async function centreReads<T>(work: () => Promise<T>): Promise<{ result: T; reads: number }> {
  let reads = 0;
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === db().databaseName && event.command.find === CentreStore.collection) reads++;
  };
  db().client.on('commandStarted', listener);
  try {
    return { result: await work(), reads };
  } finally {
    db().client.off('commandStarted', listener);
  }
}

beforeAll(async () => {
  subgraph = await createMarketplaceSubgraph({
    db: db(),
    bus,
    logger,
    // Not asked by a search.
    identity: {} as never,
    access: {} as never,
    profiles: {} as never,
  });
  store = new CentreStore(db());
  for (let i = 0; i < 3; i++) {
    await store.createForApplication(
      new ObjectId(),
      OWNER,
      profile(`Lyon ${i}`),
      { lat: POINT.lat + i * 0.01, lng: POINT.lng },
      new Date(),
    );
  }
});

const { run } = subgraphExecution(() => subgraph, logger);
const search = (fields: string) =>
  `query($near: GeoPointInput!) { serviceCentres(near: $near, radiusKm: 5) { edges { node { ${fields} } } } }`;
const COMPACT_FIELDS = 'id name distanceKm location { lat lng } timezone openingHours { day opens closes } openNow';
const DETAIL_FIELDS =
  'address phone services { kind priceMinor currency durationMinutes } closures { from to reason } bays rating { average count }';

describe('nearby search details', () => {
  it('answers names, distances, locations and hours without reading a centre', async () => {
    const { result, reads } = await centreReads(() => run(undefined, search(COMPACT_FIELDS), { near: POINT }));
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.serviceCentres.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.map((n: { name: string }) => n.name)).toEqual(['Lyon 0', 'Lyon 1', 'Lyon 2']);
    expect(nodes[1]).toMatchObject({
      distanceKm: 1.112,
      location: { lat: POINT.lat + 0.01, lng: POINT.lng },
      timezone: 'Europe/Paris',
      openingHours: [{ day: 'TUESDAY', opens: '08:00', closes: '12:30' }],
    });
    expect(reads).toBe(0);
  });

  it("reads the page's whole centres once, together, when a client selects more, and answers as serviceCentre does", async () => {
    const { result, reads } = await centreReads(() =>
      run(owner, search(`${COMPACT_FIELDS} ${DETAIL_FIELDS} members { role }`), { near: POINT }),
    );
    expect(result.errors).toBeUndefined();
    expect(reads).toBe(1);
    for (const { node } of result.data!.serviceCentres.edges) {
      const one = await run(
        owner,
        `query($id: ID!) { serviceCentre(id: $id) { ${COMPACT_FIELDS} ${DETAIL_FIELDS} } }`,
        {
          id: node.id,
        },
      );
      const { members, ...rest } = node;
      expect(rest).toEqual({ ...one.data!.serviceCentre, distanceKm: node.distanceKm });
      expect(rest.closures).toEqual([{ from: '2027-08-01', to: '2027-08-15', reason: 'Summer' }]);
      expect(members).toEqual([{ role: 'OWNER' }]);
    }
  });

  it("keeps members and bookings to the centre's members on a search's centres", async () => {
    const members = await run(stranger, search('id members { role }'), { near: POINT });
    expect(codes(members)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    const bookings = await run(owner, search('id bookings { totalCount }'), { near: POINT });
    expect(bookings.errors).toBeUndefined();
    expect(bookings.data!.serviceCentres.edges.map((e: { node: { bookings: unknown } }) => e.node.bookings)).toEqual([
      { totalCount: 0 },
      { totalCount: 0 },
      { totalCount: 0 },
    ]);
  });

  it('reads the name from the centre while a copy of the older layout (no name) is there', async () => {
    const locations = db().collection(CentreLocationStore.collection);
    // Layout 1: the fields one by one, without the name.
    for (const copy of await locations.find({}).toArray()) {
      const { name, ...read } = readLocation(copy as unknown as CentreLocationDocument);
      expect(name).toMatch(/^Lyon/);
      const cells = Object.fromEntries(Object.entries(copy).filter(([key]) => key.startsWith('cell')));
      await locations.replaceOne({ _id: copy._id }, { ...cells, ...read, version: copy.version });
    }
    const { result, reads } = await centreReads(() => run(undefined, search('id name'), { near: POINT }));
    expect(result.data!.serviceCentres.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      'Lyon 0',
      'Lyon 1',
      'Lyon 2',
    ]);
    expect(reads).toBe(1);
    // The start-up reconcile brings them to the current layout.
    expect(await new CentreStore(db()).reconcileLocations()).toBe(3);
    const after = await centreReads(() => run(undefined, search('id name'), { near: POINT }));
    expect(after.reads).toBe(0);
  });
});
