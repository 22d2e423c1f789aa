import { DateTime } from 'luxon';
import { errorCodes } from './client.js';
import { adminToken, driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import {
  CancelBookingDocument,
  CentreBookingsDocument,
  CentreRatingDocument,
  CompleteBookingDocument,
  CustomerBookingsThroughBookingDocument,
  ConfirmBookingDocument,
  DeclineBookingDocument,
  GetBookingDocument,
  MarkNoShowDocument,
  MyBookingsDocument,
  ReplyToReviewDocument,
  RequestBookingDocument,
  RescheduleBookingDocument,
  ReviewBookingDocument,
  StartBookingDocument,
  UserBookingsDocument,
  VehicleBookingsDocument,
  BookingAvailabilityDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import type { Driver } from './live.js';

let t: TestSystem;
let partner: Driver;
let centreId: string;
let driver: Driver;
let vehicleId: string;
let stranger: Driver;
let strangerVehicleId: string;
let admin: string;

beforeAll(async () => {
  t = await startTestSystem();
  ({ partner, centreId } = await partnerWithCentre(t, 'booking-partner@example.com'));
  ({ driver, vehicleId } = await driverWithVehicle(t, 'booking-driver@example.com', '1HGCM82633A004352'));
  ({ driver: stranger, vehicleId: strangerVehicleId } = await driverWithVehicle(
    t,
    'booking-stranger@example.com',
    'WVWZZZ1JZXW000001',
  ));
  admin = await adminToken(t);
});
afterAll(() => t.stop());

const book = (token: string, input: Partial<Parameters<typeof request>[0]> & { slotStart: string }) =>
  request({ centreId, vehicleId, service: 'OIL_CHANGE', ...input }, token);
const request = (
  input: {
    centreId: string;
    vehicleId: string;
    service: 'OIL_CHANGE' | 'DIAGNOSTICS' | 'BRAKES';
    slotStart: string;
    idempotencyKey?: string;
    notes?: string;
    alertId?: string;
  },
  token: string,
) => t.request(RequestBookingDocument, { input: input as never }, { token });

const centreBookings = async () =>
  (await t.request(CentreBookingsDocument, { id: centreId }, { token: partner.token })).data!.serviceCentre!.bookings
    .totalCount;

describe('bookings through the gateway', () => {
  it('books a slot (REQUESTED), and a retry with the same idempotency key returns the first booking', async () => {
    const slotStart = slotAt(3, 9);
    const first = await book(driver.token, { slotStart, idempotencyKey: 'retry-key-0001', notes: 'Rattle at idle' });
    expect(first.errors).toBeUndefined();
    expect(first.data!.requestBooking).toMatchObject({
      status: 'REQUESTED',
      service: 'OIL_CHANGE',
      slotStart: new Date(slotStart).toISOString(),
      slotEnd: new Date(Date.parse(slotStart) + 3_600_000).toISOString(),
      centre: { id: centreId },
      vehicle: { id: vehicleId },
      customer: { id: driver.userId },
    });
    const before = await centreBookings();
    const retried = await book(driver.token, { slotStart, idempotencyKey: 'retry-key-0001', notes: 'Rattle at idle' });
    expect(retried.data!.requestBooking.id).toBe(first.data!.requestBooking.id);
    expect(await centreBookings()).toBe(before);

    const reused = await book(driver.token, { slotStart: slotAt(3, 11), idempotencyKey: 'retry-key-0001' });
    expect(errorCodes(reused)).toEqual(['CONFLICT']);
    expect(await centreBookings()).toBe(before);

    const read = await t.request(GetBookingDocument, { id: first.data!.requestBooking.id }, { token: partner.token });
    expect(read.data!.booking.details).toMatchObject({ notes: 'Rattle at idle', priceMinor: 8900, currency: 'EUR' });
  });

  it('gives 50 concurrent requests for a 2-bay slot exactly 2 bookings; the rest get CONFLICT and store nothing', async () => {
    const slotStart = slotAt(4, 10);
    const before = await centreBookings();
    const results = await Promise.all(Array.from({ length: 50 }, () => book(driver.token, { slotStart })));
    const booked = results.filter((r) => r.data?.requestBooking);
    expect(booked).toHaveLength(2);
    expect(results.filter((r) => errorCodes(r)[0] === 'CONFLICT')).toHaveLength(48);
    expect(await centreBookings()).toBe(before + 2);
    // the slot is gone from availability, the neighbouring ones are not
    const slots = await t.request(
      BookingAvailabilityDocument,
      { centreId, service: 'OIL_CHANGE', from: slotAt(4, 9), to: slotAt(4, 13) },
      { token: driver.token },
    );
    const starts = slots.data!.availability.map((s) => s.start);
    expect(starts).not.toContain(new Date(slotStart).toISOString());
    expect(starts).toContain(new Date(slotAt(4, 11)).toISOString());
    // a cancellation frees a bay for the next request
    await t.request(CancelBookingDocument, { id: booked[0]!.data!.requestBooking.id }, { token: driver.token });
    expect((await book(driver.token, { slotStart })).data?.requestBooking.status).toBe('REQUESTED');
  });

  it('refuses bad requests with a clear code and stores nothing', async () => {
    const before = await centreBookings();
    const cases: [Promise<{ errors?: { extensions?: { code?: string } }[] }>, string][] = [
      [book(driver.token, { slotStart: slotAt(-1, 10) }), 'BAD_USER_INPUT'],
      [book(driver.token, { slotStart: slotAt(3, 10, 7) }), 'BAD_USER_INPUT'], // off the grid
      [book(driver.token, { slotStart: slotAt(3, 10), service: 'BRAKES' }), 'BAD_USER_INPUT'],
      [book(driver.token, { slotStart: slotAt(3, 10), idempotencyKey: 'short' }), 'BAD_USER_INPUT'],
      [book(driver.token, { slotStart: slotAt(3, 10), centreId: 'nope' }), 'BAD_USER_INPUT'],
      [book(driver.token, { slotStart: slotAt(3, 10), centreId: '0123456789abcdef01234567' }), 'NOT_FOUND'],
      [book(driver.token, { slotStart: slotAt(3, 10), vehicleId: strangerVehicleId }), 'FORBIDDEN'],
      [book(partner.token, { slotStart: slotAt(3, 10) }), 'FORBIDDEN'],
      [book(admin, { slotStart: slotAt(3, 10) }), 'FORBIDDEN'],
      [book('', { slotStart: slotAt(3, 10) }), 'UNAUTHENTICATED'],
    ];
    for (const [pending, code] of cases) expect(errorCodes(await pending)).toEqual([code]);
    expect(await centreBookings()).toBe(before);
  });

  it('refuses a slot outside opening hours', async () => {
    const { centreId: weekdays, partner: p2 } = await partnerWithCentre(t, 'booking-weekdays@example.com', {
      openingHours: [{ day: 'MONDAY', opens: '08:00', closes: '12:00' }],
    });
    const monday = new Date(slotAt(1, 14));
    while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
    const refused = await request(
      { centreId: weekdays, vehicleId, service: 'OIL_CHANGE', slotStart: monday.toISOString() },
      driver.token,
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    monday.setUTCHours(9);
    const inside = await request(
      { centreId: weekdays, vehicleId, service: 'OIL_CHANGE', slotStart: monday.toISOString() },
      driver.token,
    );
    expect(inside.data?.requestBooking.status).toBe('REQUESTED');
    const listed = await t.request(CentreBookingsDocument, { id: weekdays }, { token: p2.token });
    expect(listed.data!.serviceCentre!.bookings.totalCount).toBe(1);
  });

  it("takes opening hours in the centre's own zone, across a daylight-saving change", async () => {
    const zone = 'Europe/Berlin';
    const { centreId: berlin } = await partnerWithCentre(t, 'booking-berlin@example.com', {
      timezone: zone,
      openingHours: [{ day: 'MONDAY', opens: '09:00', closes: '17:00' }],
    });
    // The Mondays either side of Berlin's next clock change (within a year: bookings go that far ahead).
    let day = DateTime.now().setZone(zone).startOf('day').plus({ days: 8 });
    while (day.offset === day.plus({ days: 1 }).offset) day = day.plus({ days: 1 });
    const before = day.minus({ days: (day.weekday + 6) % 7 }); // the Monday on or before the last day of the old offset
    const after = before.plus({ weeks: 1 });
    const local = (monday: DateTime, hour: number) => monday.set({ hour }).toUTC().toISO()!;
    expect(local(before, 9).slice(11, 13)).not.toBe(local(after, 9).slice(11, 13)); // 09:00 local moved in UTC
    const at = (slotStart: string) =>
      request({ centreId: berlin, vehicleId, service: 'OIL_CHANGE', slotStart }, driver.token);
    for (const monday of [before, after]) {
      expect(errorCodes(await at(local(monday, 8)))).toEqual(['BAD_USER_INPUT']); // 08:00 local: closed
      expect((await at(local(monday, 9))).data?.requestBooking.status).toBe('REQUESTED');
      expect(errorCodes(await at(local(monday, 17)))).toEqual(['BAD_USER_INPUT']); // 17:00 local: closed
    }
  });

  it('lets only the centre move a booking through its states, and only the customer move its slot', async () => {
    const made = await book(driver.token, { slotStart: slotAt(5, 9) });
    const id = made.data!.requestBooking.id;
    for (const [doc, vars] of [
      [ConfirmBookingDocument, { id }],
      [DeclineBookingDocument, { id, reason: 'busy' }],
      [StartBookingDocument, { id }],
    ] as const) {
      expect(errorCodes(await t.request(doc as never, vars as never, { token: driver.token }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.request(doc as never, vars as never, { token: stranger.token }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await t.request(doc as never, vars as never, { token: admin }))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await t.request(CancelBookingDocument, { id }, { token: stranger.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(
        await t.request(RescheduleBookingDocument, { id, slotStart: slotAt(5, 12) }, { token: partner.token }),
      ),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.request(StartBookingDocument, { id }, { token: partner.token }))).toEqual(['CONFLICT']);
    expect(errorCodes(await t.request(CancelBookingDocument, { id }, { token: partner.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const still = await t.request(GetBookingDocument, { id }, { token: driver.token });
    expect(still.data!.booking.status).toBe('REQUESTED');
    expect(still.data!.booking.details.history).toHaveLength(1);

    const moved = await t.request(RescheduleBookingDocument, { id, slotStart: slotAt(5, 12) }, { token: driver.token });
    expect(moved.data!.rescheduleBooking).toMatchObject({ status: 'REQUESTED', slotStart: slotAt(5, 12) });
    const confirmed = await t.request(ConfirmBookingDocument, { id }, { token: partner.token });
    expect(confirmed.data!.confirmBooking.status).toBe('CONFIRMED');
    expect(errorCodes(await t.request(MarkNoShowDocument, { id }, { token: partner.token }))).toEqual(['CONFLICT']);
    const declinedLate = await t.request(DeclineBookingDocument, { id, reason: 'x' }, { token: partner.token });
    expect(errorCodes(declinedLate)).toEqual(['CONFLICT']);
    const cancelled = await t.request(CancelBookingDocument, { id, reason: 'Lift broken' }, { token: partner.token });
    expect(cancelled.data!.cancelBooking.status).toBe('CANCELLED');
  });

  it('lets the customer cancel only up to BOOKING_CUSTOMER_CUTOFF_MINUTES (120) before the slot; the centre later', async () => {
    const soon = new Date(Date.now() + 35 * 60_000);
    soon.setUTCMinutes(soon.getUTCMinutes() < 30 ? 30 : 60, 0, 0); // the next half hour at least 35 min ahead
    const made = await book(driver.token, { slotStart: soon.toISOString() });
    const id = made.data!.requestBooking.id;
    expect(errorCodes(await t.request(CancelBookingDocument, { id }, { token: driver.token }))).toEqual(['CONFLICT']);
    expect(
      errorCodes(await t.request(RescheduleBookingDocument, { id, slotStart: slotAt(6, 12) }, { token: driver.token })),
    ).toEqual(['CONFLICT']);
    expect((await t.request(GetBookingDocument, { id }, { token: driver.token })).data!.booking.status).toBe(
      'REQUESTED',
    );
    const byCentre = await t.request(CancelBookingDocument, { id, reason: 'Flooded' }, { token: partner.token });
    expect(byCentre.data!.cancelBooking.status).toBe('CANCELLED');
  });

  it('refuses completing and no-shows to everyone but the centre, and stores nothing', async () => {
    const made = await book(driver.token, { slotStart: slotAt(5, 15) });
    const id = made.data!.requestBooking.id;
    await t.request(ConfirmBookingDocument, { id }, { token: partner.token });
    await t.request(StartBookingDocument, { id }, { token: partner.token });
    const work = { workDone: 'Oil', totalMinor: 8900 };
    for (const token of [driver.token, stranger.token, admin]) {
      expect(errorCodes(await t.request(CompleteBookingDocument, { id, input: work }, { token }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await t.request(MarkNoShowDocument, { id }, { token }))).toEqual(['FORBIDDEN']);
    }
    for (const input of [
      { workDone: '', totalMinor: 1 },
      { workDone: 'Oil', totalMinor: -1 },
      { workDone: 'Oil', totalMinor: 1, odometerKm: -5 },
    ]) {
      expect(errorCodes(await t.request(CompleteBookingDocument, { id, input }, { token: partner.token }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    }
    const still = await t.request(GetBookingDocument, { id }, { token: driver.token });
    expect(still.data!.booking.status).toBe('IN_PROGRESS');
    expect(still.data!.booking.details.history.map((h) => h.status)).toEqual(['REQUESTED', 'CONFIRMED', 'IN_PROGRESS']);
    expect(errorCodes(await t.request(GetBookingDocument, { id: 'not-an-id' }, { token: driver.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      errorCodes(await t.request(GetBookingDocument, { id: '0123456789abcdef01234567' }, { token: driver.token })),
    ).toEqual(['NOT_FOUND']);
  });

  it("shows a centre's members a customer's name but not the customer's other bookings", async () => {
    const made = await book(driver.token, { slotStart: slotAt(5, 17) });
    const id = made.data!.requestBooking.id;
    const asPartner = await t.request(CustomerBookingsThroughBookingDocument, { id }, { token: partner.token });
    expect(errorCodes(asPartner)).toContain('FORBIDDEN');
    const asDriver = await t.request(CustomerBookingsThroughBookingDocument, { id }, { token: driver.token });
    expect(asDriver.data!.booking.customer.bookings.totalCount).toBeGreaterThan(0);
  });

  it('lists bookings for their customer, vehicle and centre, and refuses everyone else', async () => {
    const mine = await t.request(MyBookingsDocument, { first: 2 }, { token: driver.token });
    expect(mine.data!.myBookings.edges).toHaveLength(2);
    expect(mine.data!.myBookings.pageInfo.hasNextPage).toBe(true);
    const next = await t.request(
      MyBookingsDocument,
      { first: 2, after: mine.data!.myBookings.pageInfo.endCursor },
      { token: driver.token },
    );
    expect(next.data!.myBookings.edges[0]!.node.id).not.toBe(mine.data!.myBookings.edges[1]!.node.id);
    const total = mine.data!.myBookings.totalCount;
    expect((await t.request(UserBookingsDocument, {}, { token: driver.token })).data!.me!.bookings.totalCount).toBe(
      total,
    );
    expect(
      (await t.request(VehicleBookingsDocument, { id: vehicleId }, { token: driver.token })).data!.vehicle!.bookings
        .totalCount,
    ).toBe(total);
    expect(
      errorCodes(await t.request(VehicleBookingsDocument, { id: vehicleId }, { token: stranger.token })),
    ).toContain('FORBIDDEN');
    expect(errorCodes(await t.request(CentreBookingsDocument, { id: centreId }, { token: driver.token }))).toEqual([
      'FORBIDDEN',
    ]);
    const staffView = await t.request(CentreBookingsDocument, { id: centreId }, { token: admin });
    expect(staffView.data!.serviceCentre!.bookings.totalCount).toBeGreaterThan(0);
    const one = mine.data!.myBookings.edges[0]!.node.id;
    expect(errorCodes(await t.request(GetBookingDocument, { id: one }, { token: stranger.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await t.request(GetBookingDocument, { id: one }, { token: admin })).data!.booking.id).toBe(one);
  });

  it('takes one review per completed booking from its customer, keeps the rating, and one reply from the centre', async () => {
    const made = await book(driver.token, { slotStart: slotAt(6, 9) });
    const id = made.data!.requestBooking.id;
    expect(errorCodes(await t.request(ReviewBookingDocument, { id, rating: 5 }, { token: driver.token }))).toEqual([
      'CONFLICT',
    ]);
    await t.request(ConfirmBookingDocument, { id }, { token: partner.token });
    await t.request(StartBookingDocument, { id }, { token: partner.token });
    const done = await t.request(
      CompleteBookingDocument,
      { id, input: { workDone: 'Oil and filter', odometerKm: 42000, partsReplaced: ['oil filter'], totalMinor: 8900 } },
      { token: partner.token },
    );
    expect(done.data!.completeBooking).toMatchObject({
      status: 'COMPLETED',
      details: { completion: { workDone: 'Oil and filter', totalMinor: 8900, currency: 'EUR' } },
    });
    const ratingBefore = (await t.request(CentreRatingDocument, { id: centreId })).data!.serviceCentre!.rating;
    for (const [token, rating, code] of [
      [stranger.token, 5, 'FORBIDDEN'],
      [partner.token, 5, 'FORBIDDEN'],
      [driver.token, 6, 'BAD_USER_INPUT'],
      [driver.token, 0, 'BAD_USER_INPUT'],
    ] as const) {
      expect(errorCodes(await t.request(ReviewBookingDocument, { id, rating }, { token }))).toEqual([code]);
    }
    const reviewed = await t.request(
      ReviewBookingDocument,
      { id, rating: 4, comment: 'Quick' },
      { token: driver.token },
    );
    expect(reviewed.data!.reviewBooking).toMatchObject({ id, rating: 4, comment: 'Quick' });
    expect(errorCodes(await t.request(ReviewBookingDocument, { id, rating: 1 }, { token: driver.token }))).toEqual([
      'CONFLICT',
    ]);
    const after = (await t.request(CentreRatingDocument, { id: centreId })).data!.serviceCentre!;
    expect(after.rating.count).toBe(ratingBefore.count + 1);
    expect(after.reviews.edges[0]!.node).toMatchObject({ id, rating: 4, comment: 'Quick', reply: null });

    expect(
      errorCodes(await t.request(ReplyToReviewDocument, { id, reply: 'Thanks' }, { token: driver.token })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await t.request(ReplyToReviewDocument, { id, reply: 'Thanks' }, { token: stranger.token })),
    ).toEqual(['FORBIDDEN']);
    expect((await t.request(ReplyToReviewDocument, { id, reply: 'Thanks' }, { token: partner.token })).data).toEqual({
      replyToReview: { id, reply: 'Thanks' },
    });
    expect(
      errorCodes(await t.request(ReplyToReviewDocument, { id, reply: 'Again' }, { token: partner.token })),
    ).toEqual(['CONFLICT']);
    const final = await t.request(GetBookingDocument, { id }, { token: driver.token });
    expect(final.data!.booking.review).toEqual({ rating: 4, comment: 'Quick', reply: 'Thanks' });
  });
});
