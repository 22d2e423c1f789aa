import { DateTime } from 'luxon';
import { errorCodes } from './client.js';
import {
  AuditLogDocument,
  LoginDocument,
  MarketAddStaffDocument,
  MarketApplicationsDocument,
  MarketApplyDocument,
  MarketApproveDocument,
  MarketAvailabilityDocument,
  MarketCentreAuditDocument,
  MarketCentreDocument,
  MarketCentreMembersDocument,
  MarketMyApplicationsDocument,
  MarketMyCentresDocument,
  MarketNearbyDocument,
  MarketRejectDocument,
  MarketRemoveStaffDocument,
  MarketUpdateCentreDocument,
  MeDocument,
  RegisterDocument,
  type PartnerApplicationInput,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

interface Account {
  id: string;
  email: string;
  token: string;
}

let t: TestSystem;
let admin: string;
const db = () => t.system.deps.mongo.db('marketplace');
const count = (collection: string) => db().collection(collection).countDocuments();

const PASSWORD = 'a-long-password';
async function register(email: string): Promise<Account> {
  const { data, errors } = await t.request(RegisterDocument, { input: { email, password: PASSWORD, name: email } });
  if (errors) throw new Error(JSON.stringify(errors));
  return { id: data!.register.user.id, email, token: data!.register.accessToken };
}
/** A fresh access token: roles granted since the last one are in it. */
async function signIn(account: Account): Promise<Account> {
  const { data } = await t.request(LoginDocument, { email: account.email, password: PASSWORD });
  return { ...account, token: data!.login.accessToken };
}

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;
const BERLIN = { lat: 52.5219, lng: 13.4132 }; // Alexanderplatz

const application = (
  name: string,
  location: { lat: number; lng: number },
  extra: Partial<PartnerApplicationInput> = {},
) =>
  ({
    name,
    address: `${name} street 1`,
    location,
    phone: '+49 30 1234567',
    timezone: 'europe/berlin',
    services: [
      { kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 },
      { kind: 'DIAGNOSTICS', priceMinor: 4900, currency: 'EUR', durationMinutes: 30 },
    ],
    openingHours: [
      ...WEEKDAYS.map((day) => ({ day, opens: '08:00', closes: '18:00' })),
      { day: 'SATURDAY', opens: '09:00', closes: '13:00' },
    ],
    bays: 2,
    ...extra,
  }) as PartnerApplicationInput;

async function approvedCentre(owner: Account, input: PartnerApplicationInput) {
  const applied = await t.request(MarketApplyDocument, { input }, { token: owner.token });
  if (applied.errors) throw new Error(JSON.stringify(applied.errors));
  const approved = await t.request(MarketApproveDocument, { id: applied.data!.applyAsPartner.id }, { token: admin });
  if (approved.errors) throw new Error(JSON.stringify(approved.errors));
  return approved.data!.approvePartnerApplication;
}

beforeAll(async () => {
  t = await startTestSystem();
  admin = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
});
afterAll(() => t.stop());

describe('partner applications', () => {
  let alice: Account;
  let centreId: string;

  it('applies, is approved by an admin, and owns the new centre as a PARTNER', async () => {
    alice = await register('alice@garage.test');
    const applied = await t.request(
      MarketApplyDocument,
      { input: application('Alex Motors', BERLIN) },
      { token: alice.token },
    );
    expect(applied.errors).toBeUndefined();
    const app = applied.data!.applyAsPartner;
    expect(app).toMatchObject({
      status: 'PENDING',
      applicant: { id: alice.id },
      timezone: 'Europe/Berlin',
      centre: null,
    });

    // The applicant cannot approve themselves: FORBIDDEN, and nothing is created.
    const self = await t.request(MarketApproveDocument, { id: app.id }, { token: alice.token });
    expect(errorCodes(self)).toEqual(['FORBIDDEN']);
    expect(await count('service_centres')).toBe(0);
    expect((await t.request(MeDocument, {}, { token: (await signIn(alice)).token })).data!.me!.roles).toEqual([
      'CUSTOMER',
    ]);

    const pending = await t.request(MarketApplicationsDocument, { status: 'PENDING' }, { token: admin });
    expect(pending.data!.partnerApplications.edges.map((e) => e.node.id)).toContain(app.id);

    const approved = await t.request(MarketApproveDocument, { id: app.id }, { token: admin });
    expect(approved.errors).toBeUndefined();
    const centre = approved.data!.approvePartnerApplication;
    centreId = centre.id;
    expect(centre).toMatchObject({
      name: 'Alex Motors',
      timezone: 'Europe/Berlin',
      bays: 2,
      rating: { average: 0, count: 0 },
      members: [{ user: { id: alice.id }, role: 'OWNER' }],
    });

    alice = await signIn(alice);
    expect((await t.request(MeDocument, {}, { token: alice.token })).data!.me!.roles).toEqual(
      expect.arrayContaining(['CUSTOMER', 'PARTNER']),
    );
    expect((await t.request(MarketMyCentresDocument, {}, { token: alice.token })).data!.myServiceCentres).toEqual([
      { id: centreId, name: 'Alex Motors' },
    ]);
    const mine = await t.request(MarketMyApplicationsDocument, {}, { token: alice.token });
    expect(mine.data!.myPartnerApplications.edges[0]!.node).toMatchObject({
      status: 'APPROVED',
      centre: { id: centreId },
    });

    // Identity audited the grant, naming the admin who approved.
    const adminId = (await t.request(MeDocument, {}, { token: admin })).data!.me!.id;
    const grants = await t.request(AuditLogDocument, { type: 'ROLE_GRANTED', userId: alice.id }, { token: admin });
    expect(grants.data!.auditLog.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        actorId: `user:${adminId}`,
        detail: `PARTNER: partner application ${app.id} approved`,
      }),
    ]);

    // Approving again answers the same centre; rejecting it now is CONFLICT.
    const again = await t.request(MarketApproveDocument, { id: app.id }, { token: admin });
    expect(again.data!.approvePartnerApplication.id).toBe(centreId);
    expect(await count('service_centres')).toBe(1);
    expect(errorCodes(await t.request(MarketRejectDocument, { id: app.id, reason: 'no' }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
  });

  it('rejects with a reason; one open application at a time; only admins decide', async () => {
    const bob = await register('bob@garage.test');
    const applied = await t.request(
      MarketApplyDocument,
      { input: application('Bob Cars', BERLIN) },
      { token: bob.token },
    );
    const id = applied.data!.applyAsPartner.id;
    const second = await t.request(
      MarketApplyDocument,
      { input: application('Bob Two', BERLIN) },
      { token: bob.token },
    );
    expect(errorCodes(second)).toEqual(['CONFLICT']);

    expect(errorCodes(await t.request(MarketRejectDocument, { id, reason: 'mine' }, { token: bob.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await t.request(MarketApplicationsDocument, {}, { token: bob.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.request(MarketRejectDocument, { id, reason: '  ' }, { token: admin }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const rejected = await t.request(MarketRejectDocument, { id, reason: 'No trade licence' }, { token: admin });
    expect(rejected.data!.rejectPartnerApplication).toMatchObject({ status: 'REJECTED', reason: 'No trade licence' });
    expect(errorCodes(await t.request(MarketApproveDocument, { id }, { token: admin }))).toEqual(['CONFLICT']);
    expect(await db().collection('service_centres').countDocuments({ name: 'Bob Cars' })).toBe(0);
    expect((await t.request(MeDocument, {}, { token: (await signIn(bob)).token })).data!.me!.roles).toEqual([
      'CUSTOMER',
    ]);
  });

  it('takes one of several applications sent at once (CONFLICT for the others), and a new one after a decision', async () => {
    const erin = await register('erin@garage.test');
    const sent = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        t.request(MarketApplyDocument, { input: application(`Erin ${n}`, BERLIN) }, { token: erin.token }),
      ),
    );
    const taken = sent.filter((r) => !r.errors);
    expect(taken).toHaveLength(1);
    expect(sent.flatMap((r) => errorCodes(r))).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(await db().collection('partner_applications').countDocuments({ applicantId: erin.id })).toBe(1);
    const id = taken[0]!.data!.applyAsPartner.id;
    await t.request(MarketRejectDocument, { id, reason: 'Address not found' }, { token: admin });
    const again = await t.request(
      MarketApplyDocument,
      { input: application('Erin again', BERLIN) },
      { token: erin.token },
    );
    expect(again.errors).toBeUndefined();
  });

  it('refuses bad applications with BAD_USER_INPUT and stores nothing', async () => {
    const carol = await register('carol@garage.test');
    const before = await count('partner_applications');
    const bad: [string, Partial<PartnerApplicationInput>][] = [
      ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }],
      [
        'a currency that is not ISO 4217',
        { services: [{ kind: 'OIL_CHANGE', priceMinor: 100, currency: 'EURO', durationMinutes: 60 }] },
      ],
      [
        'a price that is not whole minor units',
        { services: [{ kind: 'OIL_CHANGE', priceMinor: -1, currency: 'EUR', durationMinutes: 60 }] },
      ],
      ['a latitude out of range', { location: { lat: 91, lng: 0 } }],
      ['a longitude out of range', { location: { lat: 0, lng: -180.5 } }],
      ['hours that close before they open', { openingHours: [{ day: 'MONDAY', opens: '18:00', closes: '08:00' }] }],
      ['no bays', { bays: 0 }],
      ['no services', { services: [] }],
    ];
    for (const [what, extra] of bad) {
      const refused = await t.request(
        MarketApplyDocument,
        { input: application('Carol', BERLIN, extra) },
        { token: carol.token },
      );
      expect({ what, codes: errorCodes(refused) }).toEqual({ what, codes: ['BAD_USER_INPUT'] });
    }
    expect(errorCodes(await t.request(MarketApplyDocument, { input: application('Anon', BERLIN) }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(await count('partner_applications')).toBe(before);
    expect(
      (await t.request(MarketMyApplicationsDocument, {}, { token: carol.token })).data!.myPartnerApplications
        .totalCount,
    ).toBe(0);
  });

  describe('a centre its partners edit', () => {
    let owner: Account;
    let dave: Account;
    let stranger: Account;
    let id: string;

    beforeAll(async () => {
      owner = await register('owner@edit.test');
      dave = await register('dave@edit.test');
      stranger = await register('stranger@edit.test');
      id = (await approvedCentre(owner, application('Edit Garage', { lat: 48.137, lng: 11.575 }))).id;
    });

    it('lets members change services, prices, hours and closures, audited; others get FORBIDDEN and change nothing', async () => {
      const input = {
        services: [{ kind: 'OIL_CHANGE', priceMinor: 9900, currency: 'EUR', durationMinutes: 45 }],
        closures: [{ from: '2027-12-24', to: '2027-12-26', reason: 'Christmas' }],
        openingHours: [{ day: 'MONDAY', opens: '07:30', closes: '19:00' }],
      } as never;
      for (const token of [stranger.token, admin]) {
        expect(errorCodes(await t.request(MarketUpdateCentreDocument, { id, input }, { token }))).toEqual([
          'FORBIDDEN',
        ]);
      }
      expect(
        errorCodes(await t.request(MarketCentreAuditDocument, { centreId: id }, { token: stranger.token })),
      ).toEqual(['FORBIDDEN']);
      const unchanged = (await t.request(MarketCentreDocument, { id })).data!.serviceCentre!;
      expect(unchanged.services.map((s) => s.priceMinor)).toEqual([8900, 4900]);

      for (const bad of [
        { timezone: 'Europe/Atlantis' },
        { services: [{ kind: 'OIL_CHANGE', priceMinor: 1, currency: 'XXY', durationMinutes: 60 }] },
        { closures: [{ from: '2027-12-26', to: '2027-12-24' }] },
      ]) {
        expect(
          errorCodes(await t.request(MarketUpdateCentreDocument, { id, input: bad as never }, { token: owner.token })),
        ).toEqual(['BAD_USER_INPUT']);
      }
      expect(
        (await t.request(MarketCentreAuditDocument, { centreId: id }, { token: owner.token })).data!.centreAuditLog
          .totalCount,
      ).toBe(1);

      const updated = await t.request(MarketUpdateCentreDocument, { id, input }, { token: owner.token });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateServiceCentre).toMatchObject({
        services: [{ kind: 'OIL_CHANGE', priceMinor: 9900, currency: 'EUR', durationMinutes: 45 }],
        closures: [{ from: '2027-12-24', to: '2027-12-26', reason: 'Christmas' }],
        openingHours: [{ day: 'MONDAY', opens: '07:30', closes: '19:00' }],
      });
      const log = (await t.request(MarketCentreAuditDocument, { centreId: id }, { token: admin })).data!.centreAuditLog;
      expect(log.edges[0]!.node).toMatchObject({ action: 'CENTRE_UPDATED', actorId: `user:${owner.id}` });
      expect(log.edges[0]!.node.detail).toContain('"priceMinor":8900');
      expect(log.edges[0]!.node.detail).toContain('"priceMinor":9900');
    });

    it('lets the owner add and remove staff by email; staff edit but cannot manage staff', async () => {
      expect(
        errorCodes(
          await t.request(MarketAddStaffDocument, { centreId: id, email: dave.email }, { token: stranger.token }),
        ),
      ).toEqual(['FORBIDDEN']);
      expect(
        errorCodes(
          await t.request(MarketAddStaffDocument, { centreId: id, email: 'nobody@edit.test' }, { token: owner.token }),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(errorCodes(await t.request(MarketCentreMembersDocument, { id }, { token: stranger.token }))).toEqual([
        'FORBIDDEN',
      ]);

      const added = await t.request(
        MarketAddStaffDocument,
        { centreId: id, email: 'DAVE@edit.test' },
        { token: owner.token },
      );
      expect(added.errors).toBeUndefined();
      expect(added.data!.addCentreStaff.members).toEqual([
        { user: { id: owner.id }, role: 'OWNER' },
        { user: { id: dave.id }, role: 'STAFF' },
      ]);
      dave = await signIn(dave);
      expect((await t.request(MeDocument, {}, { token: dave.token })).data!.me!.roles).toContain('PARTNER');
      expect(
        (await t.request(MarketUpdateCentreDocument, { id, input: { bays: 3 } }, { token: dave.token })).data!
          .updateServiceCentre.bays,
      ).toBe(3);
      expect(
        errorCodes(
          await t.request(MarketRemoveStaffDocument, { centreId: id, userId: owner.id }, { token: dave.token }),
        ),
      ).toEqual(['FORBIDDEN']);

      const removed = await t.request(
        MarketRemoveStaffDocument,
        { centreId: id, userId: dave.id },
        { token: owner.token },
      );
      expect(removed.data!.removeCentreStaff.members).toEqual([{ user: { id: owner.id }, role: 'OWNER' }]);
      expect(
        errorCodes(await t.request(MarketUpdateCentreDocument, { id, input: { bays: 1 } }, { token: dave.token })),
      ).toEqual(['FORBIDDEN']);
      expect((await t.request(MarketCentreDocument, { id })).data!.serviceCentre!.bays).toBe(3);
      const actions = (
        await t.request(MarketCentreAuditDocument, { centreId: id }, { token: owner.token })
      ).data!.centreAuditLog.edges.map((e) => e.node.action);
      expect(actions.slice(0, 3)).toEqual(['STAFF_REMOVED', 'CENTRE_UPDATED', 'STAFF_ADDED']);
    });
  });
});

describe('nearby search', () => {
  // Distances from Alexanderplatz: Potsdam about 27 km, Leipzig about 149 km, Hamburg about 255 km.
  const PLACES = {
    Mitte: { lat: 52.5206, lng: 13.4094 },
    Potsdam: { lat: 52.3906, lng: 13.0645 },
    Leipzig: { lat: 51.3397, lng: 12.3731 },
    Hamburg: { lat: 53.5511, lng: 9.9937 },
  };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    for (const [name, location] of Object.entries(PLACES)) {
      const owner = await register(`${name.toLowerCase()}@near.test`);
      const extra =
        name === 'Leipzig'
          ? { services: [{ kind: 'BRAKES', priceMinor: 19900, currency: 'EUR', durationMinutes: 120 }] }
          : name === 'Potsdam'
            ? { openingHours: [{ day: 'SUNDAY', opens: '10:00', closes: '14:00' }] }
            : {};
      ids.set(name, (await approvedCentre(owner, application(`Near ${name}`, location, extra as never))).id);
    }
  });

  const search = (
    vars: Partial<Parameters<typeof t.request<unknown, { radiusKm: number }>>[1]> & Record<string, unknown>,
  ) => t.request(MarketNearbyDocument, { near: BERLIN, radiusKm: 200, ...vars } as never);

  it('orders by great-circle distance within the radius', async () => {
    const found = (await search({})).data!.serviceCentres;
    const near = found.edges.map((e) => e.node).filter((n) => n.name.startsWith('Near '));
    expect(near.map((n) => n.name)).toEqual(['Near Mitte', 'Near Potsdam', 'Near Leipzig']);
    const km = near.map((n) => n.distanceKm!);
    expect(km[0]).toBeLessThan(1);
    expect(km[1]).toBeCloseTo(27.4, 0);
    expect(km[2]).toBeCloseTo(149.7, 0);
    const all = found.edges.map((e) => e.node.distanceKm!);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
    expect(found.totalCount).toBe(found.edges.length);
  });

  it('pages with cursors, each centre once, in order', async () => {
    const whole = (await search({ first: 50 })).data!.serviceCentres;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const result = await search({ first: 2, after });
      expect(result.errors).toBeUndefined();
      const conn = result.data!.serviceCentres;
      seen.push(...conn.edges.map((e) => e.node.id));
      expect(conn.totalCount).toBe(whole.totalCount);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.edges.map((e) => e.node.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by service and by opening time in the centre’s zone', async () => {
    const brakes = (await search({ service: 'BRAKES' })).data!.serviceCentres.edges.map((e) => e.node.id);
    expect(brakes).toEqual([ids.get('Leipzig')]);
    // Sunday 11:00 in Berlin: only Potsdam is open then.
    const sunday = DateTime.fromObject({ year: 2027, month: 6, day: 6, hour: 11 }, { zone: 'Europe/Berlin' }).toISO();
    const open = (await search({ openAt: sunday })).data!.serviceCentres.edges.map((e) => e.node.id);
    expect(open).toEqual([ids.get('Potsdam')]);
    const small = (await search({ near: PLACES.Potsdam, radiusKm: 1 })).data!.serviceCentres.edges.map(
      (e) => e.node.id,
    );
    expect(small).toEqual([ids.get('Potsdam')]);
  });

  it('refuses out-of-range arguments with BAD_USER_INPUT', async () => {
    for (const vars of [
      { radiusKm: 200.5 },
      { radiusKm: 0 },
      { radiusKm: -5 },
      { near: { lat: 90.1, lng: 0 } },
      { near: { lat: 0, lng: 181 } },
      { first: 0 },
      { first: 51 },
      { after: 'bm90LWEtY3Vyc29y' },
    ]) {
      expect({ vars, codes: errorCodes(await search(vars)) }).toEqual({ vars, codes: ['BAD_USER_INPUT'] });
    }
  });
});

describe('availability', () => {
  let centreId: string;

  beforeAll(async () => {
    const owner = await register('owner@slots.test');
    const daily = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({
      day,
      opens: '09:00',
      closes: '17:00',
    }));
    centreId = (await approvedCentre(owner, application('Slots Garage', BERLIN, { openingHours: daily } as never))).id;
  });

  /** The next day, after tomorrow, on which Europe/Berlin's clocks change (at night: 09:00 is after it). */
  function nextDstChange(): DateTime {
    let day = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 2 });
    while (day.plus({ days: 1 }).offset === day.offset) day = day.plus({ days: 1 });
    return day;
  }

  it("offers 09:00 local on both sides of a daylight-saving change in the centre's zone", async () => {
    const change = nextDstChange();
    const from = change.minus({ days: 1 });
    const slots = await t.request(MarketAvailabilityDocument, {
      centreId,
      service: 'OIL_CHANGE',
      from: from.toUTC().toISO()!,
      to: from.plus({ days: 2 }).toUTC().toISO()!,
    });
    expect(slots.errors).toBeUndefined();
    const starts = slots.data!.availability.map((s) => DateTime.fromISO(s.start).setZone('Europe/Berlin'));
    const firstOf = (d: DateTime) => starts.find((s) => s.hasSame(d, 'day'))!;
    const before = firstOf(from);
    const after = firstOf(change);
    expect([before.toFormat('HH:mm'), after.toFormat('HH:mm')]).toEqual(['09:00', '09:00']);
    // The same local hour is a different UTC hour on each side.
    expect(Math.abs(before.toUTC().hour - after.toUTC().hour)).toBe(1);
    expect(slots.data!.availability).toHaveLength(2 * 15);
    expect(
      DateTime.fromISO(slots.data!.availability[0]!.end).diff(
        DateTime.fromISO(slots.data!.availability[0]!.start),
        'minutes',
      ).minutes,
    ).toBe(60);
  });

  it('leaves out a slot whose bays are held by bookings', async () => {
    const day = DateTime.now().setZone('Europe/Berlin').plus({ days: 3 }).startOf('day');
    const window = {
      centreId,
      service: 'OIL_CHANGE' as const,
      from: day.toUTC().toISO()!,
      to: day.plus({ days: 1 }).toUTC().toISO()!,
    };
    const ten = day.set({ hour: 10 }).toJSDate();
    const eleven = day.set({ hour: 11 }).toJSDate();
    const startsAt = async () =>
      (await t.request(MarketAvailabilityDocument, window)).data!.availability.map((s) => new Date(s.start).getTime());
    expect(await startsAt()).toContain(ten.getTime());
    const booking = (status: string) => ({ centreId, slotStart: ten, slotEnd: eleven, status });
    await db()
      .collection('bookings')
      .insertMany([booking('CONFIRMED'), booking('CANCELLED')]);
    expect(await startsAt()).toContain(ten.getTime());
    await db().collection('bookings').insertOne(booking('REQUESTED'));
    const held = await startsAt();
    expect(held).not.toContain(ten.getTime());
    expect(held).not.toContain(day.set({ hour: 9, minute: 30 }).toMillis());
    expect(held).toContain(eleven.getTime());
  });

  it('refuses a window over 14 days, a reversed one, an unknown centre and a service it does not offer', async () => {
    const from = DateTime.now().plus({ days: 1 });
    const ask = (vars: Record<string, unknown>) =>
      t.request(MarketAvailabilityDocument, {
        centreId,
        service: 'OIL_CHANGE',
        from: from.toISO()!,
        to: from.plus({ days: 1 }).toISO()!,
        ...vars,
      } as never);
    expect(errorCodes(await ask({ to: from.plus({ days: 14, minutes: 1 }).toISO() }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await ask({ to: from.minus({ hours: 1 }).toISO() }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await ask({ service: 'ROADSIDE' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await ask({ centreId: '0123456789abcdef01234567' }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await ask({ centreId: 'nope' }))).toEqual(['BAD_USER_INPUT']);
    expect((await ask({ to: from.plus({ days: 14 }).toISO() })).errors).toBeUndefined();
  });
});

describe('who may do what', () => {
  let owner: Account;
  let staff: Account;
  let centreId: string;
  let pendingId: string;

  beforeAll(async () => {
    owner = await register('owner@who.test');
    centreId = (await approvedCentre(owner, application('Who Garage', { lat: 45.46, lng: 9.19 }))).id;
    const applicant = await register('applicant@who.test');
    pendingId = (
      await t.request(MarketApplyDocument, { input: application('Pending', BERLIN) }, { token: applicant.token })
    ).data!.applyAsPartner.id;
    // Platform staff: the role is identity's; set here as an admin would.
    staff = await register('staff@who.test');
    await t.system.deps.mongo
      .db('identity')
      .collection('users')
      .updateOne({ email: staff.email }, { $set: { roles: ['CUSTOMER', 'STAFF'] } });
    staff = await signIn(staff);
  });

  it('asks anonymous callers to sign in for everything but the public listing and availability', async () => {
    expect(errorCodes(await t.request(MarketMyCentresDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(MarketMyApplicationsDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(MarketCentreAuditDocument, { centreId }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(MarketCentreMembersDocument, { id: centreId }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(MarketUpdateCentreDocument, { id: centreId, input: { bays: 9 } }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(errorCodes(await t.request(MarketAddStaffDocument, { centreId, email: owner.email }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(errorCodes(await t.request(MarketApproveDocument, { id: pendingId }))).toEqual(['UNAUTHENTICATED']);
    expect((await t.request(MarketCentreDocument, { id: centreId })).data!.serviceCentre!.name).toBe('Who Garage');
    expect(
      (await t.request(MarketNearbyDocument, { near: { lat: 45.46, lng: 9.19 }, radiusKm: 1 })).errors,
    ).toBeUndefined();
  });

  it('lets platform staff read applications, members and logs, but not decide or edit', async () => {
    const queue = await t.request(MarketApplicationsDocument, { status: 'PENDING' }, { token: staff.token });
    expect(queue.data!.partnerApplications.edges.map((e) => e.node.id)).toContain(pendingId);
    expect(
      (await t.request(MarketCentreMembersDocument, { id: centreId }, { token: staff.token })).data!.serviceCentre!
        .members,
    ).toEqual([{ user: { id: owner.id }, role: 'OWNER' }]);
    expect((await t.request(MarketCentreAuditDocument, { centreId }, { token: staff.token })).errors).toBeUndefined();

    expect(errorCodes(await t.request(MarketApproveDocument, { id: pendingId }, { token: staff.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(await t.request(MarketRejectDocument, { id: pendingId, reason: 'no' }, { token: staff.token })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(
        await t.request(MarketUpdateCentreDocument, { id: centreId, input: { bays: 9 } }, { token: staff.token }),
      ),
    ).toEqual(['FORBIDDEN']);
    // Nothing was decided or changed by the refusals.
    const app = await db().collection('partner_applications').findOne({ 'details.name': 'Pending' });
    expect(app).toMatchObject({ status: 'PENDING', decidedBy: null });
    expect((await t.request(MarketCentreDocument, { id: centreId })).data!.serviceCentre!.bays).toBe(2);
  });

  it('keeps customers out of partner-only reads', async () => {
    const customer = await register('customer@who.test');
    expect(errorCodes(await t.request(MarketApplicationsDocument, {}, { token: customer.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await t.request(MarketCentreAuditDocument, { centreId }, { token: customer.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(await t.request(MarketCentreMembersDocument, { id: centreId }, { token: customer.token })),
    ).toEqual(['FORBIDDEN']);
    expect((await t.request(MarketMyCentresDocument, {}, { token: customer.token })).data!.myServiceCentres).toEqual(
      [],
    );
  });
});
