import { randomBytes } from 'node:crypto';
import type { City } from '../../seed/centres/cities.js';
import { Authorizer } from '../../fleet/credentials.js';
import { errorCode, type GraphQLErrorShape } from '../gateway-client.js';
import type { Random } from '../random.js';
import { sleep } from '../retry.js';
import { sendWithRetry, type SendContext } from '../send.js';
import { chooseBooking, garageApplication, homeNear, partnerStep, slotsToTry, type OpenAlert } from './plan.js';

/*
 * `--book`: the simulated drivers book a service when their car raises a health alert, and a
 * simulated garage confirms, starts and completes the bookings, all through the gateway as the
 * apps would. Operations are plain strings, as in ../operations.ts.
 */

const REGISTER = `mutation SimRegister($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken accessTokenExpiresAt user { id } }
}`;
const REFRESH = `mutation SimRefresh($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { accessToken refreshToken accessTokenExpiresAt user { id } }
}`;
const APPLY = `mutation SimApply($input: PartnerApplicationInput!) { applyAsPartner(input: $input) { id } }`;
const APPROVE = `mutation SimApprove($id: ID!) { approvePartnerApplication(id: $id) { id } }`;
const OPEN_ALERTS = `query SimOpenAlerts($id: ID!, $near: GeoPointInput!) {
  vehicle(id: $id) {
    alerts(status: OPEN) {
      id rule severity suggestedService
      suggestedCentres(near: $near, radiusKm: 25, first: 20) { id distanceKm }
    }
  }
}`;
const AVAILABILITY = `query SimAvailability($centreId: ID!, $service: ServiceKind!, $from: DateTime!, $to: DateTime!) {
  availability(centreId: $centreId, service: $service, from: $from, to: $to) { start }
}`;
const REQUEST_BOOKING = `mutation SimRequestBooking($input: BookingInput!) { requestBooking(input: $input) { id status } }`;
const CENTRE_BOOKINGS = `query SimCentreBookings($id: ID!) {
  serviceCentre(id: $id) { bookings(first: 50) { edges { node { id status service details { priceMinor } } } } }
}`;
const CONFIRM = `mutation SimConfirm($id: ID!) { confirmBooking(id: $id) { id status } }`;
const START = `mutation SimStart($id: ID!) { startBooking(id: $id) { id status } }`;
const COMPLETE = `mutation SimComplete($id: ID!, $input: CompletionInput!) { completeBooking(id: $id, input: $input) { id status } }`;

/** Drivers with an account they can sign in to: each is a registration, which the gateway meters per IP (30 a minute by default). */
export const MAX_BOOKING_DRIVERS = 25;
/** How far ahead a driver books: the soonest slot at least this far off. */
export const LEAD_MINUTES = 30;

export class BookingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookingError';
  }
}

export interface BookingStats {
  /** Open alerts a driver booked for. */
  requested: number;
  /** Slots taken meanwhile (CONFLICT), tried again with the next one. */
  slotsTaken: number;
  confirmed: number;
  started: number;
  completed: number;
  /** Refusals and failures, by code. */
  errors: Record<string, number>;
}

type Answer<T> = { data: T | null; error: GraphQLErrorShape | null };

async function call<T>(ctx: SendContext, query: string, variables: Record<string, unknown>, token?: string) {
  const [result] = await sendWithRetry(ctx, [{ query, variables }], token);
  return { data: (result!.data ?? null) as T | null, error: result!.errors?.[0] ?? null } satisfies Answer<T>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: { id: string };
}

/** A signed-in account of the simulator's: its access token, refreshed a minute before it expires. */
export class UserSession {
  private constructor(
    private readonly ctx: SendContext,
    private tokens: Tokens,
  ) {}

  get userId(): string {
    return this.tokens.user.id;
  }

  /** A new account (a password drawn from node:crypto and forgotten: the session is all it needs). */
  static async register(ctx: SendContext, email: string, name: string): Promise<UserSession> {
    const password = randomBytes(18).toString('base64url');
    const { data, error } = await call<{ register: Tokens }>(ctx, REGISTER, { input: { email, password, name } });
    if (!data?.register) throw new BookingError(`registering ${email}: ${describe(error)}`);
    return new UserSession(ctx, data.register);
  }

  async token(now = Date.now()): Promise<string> {
    if (Date.parse(this.tokens.accessTokenExpiresAt) - now < 60_000) {
      const { data, error } = await call<{ refreshToken: Tokens }>(this.ctx, REFRESH, {
        refreshToken: this.tokens.refreshToken,
      });
      if (!data?.refreshToken) throw new BookingError(`refreshing a session: ${describe(error)}`);
      this.tokens = data.refreshToken;
    }
    return this.tokens.accessToken;
  }
}

const describe = (error: GraphQLErrorShape | null) => (error ? `${errorCode(error)}: ${error.message}` : 'no answer');

interface BookingDriver {
  index: number;
  session: UserSession;
  home: { lat: number; lng: number };
  vehicleId: string | null;
}

export interface BookingSetUp {
  ctx: SendContext;
  runId: string;
  city: City;
  /** Who approves the garage's application. */
  admin: { email: string; password: string };
  /** The vehicles (by index) whose drivers book; their accounts are registered here, before the fleet is provisioned. */
  drivers: { index: number; email: string; name: string }[];
  random: Random;
}

/**
 * The garage (a partner account of the run, its application approved by the admin) and the
 * drivers' accounts. Registered before provisionFleet, which then adds each car to its driver's
 * account (provisioning answers an existing account by email).
 */
export class BookingSimulation {
  readonly stats: BookingStats = { requested: 0, slotsTaken: 0, confirmed: 0, started: 0, completed: 0, errors: {} };
  /** Alert id -> booking id. */
  readonly bookings = new Map<string, string>();

  private constructor(
    private readonly ctx: SendContext,
    private readonly runId: string,
    readonly centreId: string,
    readonly city: City,
    private readonly partner: UserSession,
    private readonly drivers: BookingDriver[],
  ) {}

  static async setUp(s: BookingSetUp): Promise<BookingSimulation> {
    const partner = await UserSession.register(
      s.ctx,
      `garage.${s.runId}@simulator.clutch.test`,
      `Simulated garage ${s.runId}`,
    );
    const application = garageApplication(s.city, s.runId);
    const applied = await call<{ applyAsPartner: { id: string } }>(
      s.ctx,
      APPLY,
      { input: application },
      await partner.token(),
    );
    if (!applied.data?.applyAsPartner) throw new BookingError(`applying as a partner: ${describe(applied.error)}`);
    const admin = new Authorizer(s.ctx, s.admin);
    const approved = await call<{ approvePartnerApplication: { id: string } }>(
      s.ctx,
      APPROVE,
      { id: applied.data.applyAsPartner.id },
      await admin.credential(),
    );
    if (!approved.data?.approvePartnerApplication) {
      throw new BookingError(`approving the simulated garage as ${s.admin.email}: ${describe(approved.error)}`);
    }
    const drivers: BookingDriver[] = [];
    for (const d of s.drivers) {
      drivers.push({
        index: d.index,
        session: await UserSession.register(s.ctx, d.email, d.name),
        home: homeNear(application.location, s.random.fork(`home:${d.index}`)),
        vehicleId: null,
      });
    }
    return new BookingSimulation(s.ctx, s.runId, approved.data.approvePartnerApplication.id, s.city, partner, drivers);
  }

  /** The drivers' cars, once provisioned. */
  attach(vehicles: readonly { index: number; vehicleId: string }[]): void {
    for (const driver of this.drivers)
      driver.vehicleId = vehicles.find((v) => v.index === driver.index)?.vehicleId ?? null;
  }

  get driverCount(): number {
    return this.drivers.length;
  }

  /** Drivers look at their open alerts and partners at their bookings every `pollMs`, until `stop`. */
  async run(stop: AbortSignal, pollMs = 5000): Promise<void> {
    while (!stop.aborted) {
      await this.turn();
      await sleep(pollMs, stop);
    }
  }

  /** Every driver looks at their alerts once, and the garage at its bookings; failures are counted, not thrown. */
  async turn(now = new Date()): Promise<void> {
    await Promise.all([
      ...this.drivers.map((d) => this.driverTurn(d, now).catch((e: unknown) => this.failed(e))),
      this.partnerTurn().catch((e: unknown) => this.failed(e)),
    ]);
  }

  /** One look at the car's open alerts; a booking for the first not booked for yet. */
  private async driverTurn(driver: BookingDriver, now = new Date()): Promise<void> {
    if (!driver.vehicleId) return;
    const token = await driver.session.token();
    const alerts = await call<{ vehicle: { alerts: OpenAlert[] } | null }>(
      this.ctx,
      OPEN_ALERTS,
      { id: driver.vehicleId, near: driver.home },
      token,
    );
    if (!alerts.data?.vehicle) return this.count(alerts.error);
    const choice = chooseBooking(alerts.data.vehicle.alerts, new Set(this.bookings.keys()), new Set([this.centreId]));
    if (!choice) return;
    const slots = await call<{ availability: { start: string }[] }>(
      this.ctx,
      AVAILABILITY,
      {
        centreId: choice.centreId,
        service: choice.service,
        from: now.toISOString(),
        to: new Date(now.getTime() + 86_400_000).toISOString(),
      },
      token,
    );
    if (!slots.data) return this.count(slots.error);
    for (const slotStart of slotsToTry(slots.data.availability, now, LEAD_MINUTES)) {
      const booked = await call<{ requestBooking: { id: string } }>(
        this.ctx,
        REQUEST_BOOKING,
        {
          input: {
            centreId: choice.centreId,
            vehicleId: driver.vehicleId,
            service: choice.service,
            slotStart,
            alertId: choice.alertId,
            // One booking per alert, however often this is retried.
            idempotencyKey: `sim-${this.runId}-${choice.alertId}`,
            notes: 'Booked from a health alert by the Clutch simulator',
          },
        },
        token,
      );
      if (booked.data?.requestBooking) {
        this.bookings.set(choice.alertId, booked.data.requestBooking.id);
        this.stats.requested++;
        return;
      }
      if (booked.error && errorCode(booked.error) === 'CONFLICT') {
        this.stats.slotsTaken++;
        continue;
      }
      return this.count(booked.error);
    }
  }

  /** One look at the garage's bookings; each moves one step: confirmed, started, completed. */
  private async partnerTurn(): Promise<void> {
    const token = await this.partner.token();
    const page = await call<{
      serviceCentre: {
        bookings: {
          edges: { node: { id: string; status: string; service: string; details: { priceMinor: number } } }[];
        };
      } | null;
    }>(this.ctx, CENTRE_BOOKINGS, { id: this.centreId }, token);
    if (!page.data?.serviceCentre) return this.count(page.error);
    for (const { node } of page.data.serviceCentre.bookings.edges) {
      const step = partnerStep({ status: node.status, service: node.service, priceMinor: node.details.priceMinor });
      if (!step) continue;
      const done =
        step.action === 'complete'
          ? await call(this.ctx, COMPLETE, { id: node.id, input: step.input }, token)
          : await call(this.ctx, step.action === 'confirm' ? CONFIRM : START, { id: node.id }, token);
      if (done.error) this.count(done.error);
      else if (step.action === 'confirm') this.stats.confirmed++;
      else if (step.action === 'start') this.stats.started++;
      else this.stats.completed++;
    }
  }

  private count(error: GraphQLErrorShape | null): void {
    const code = error ? errorCode(error) : 'NO_DATA';
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
  }

  private failed(error: unknown): void {
    const code = error instanceof BookingError ? 'SESSION' : 'FAILED';
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
  }
}
