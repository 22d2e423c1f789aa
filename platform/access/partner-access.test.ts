import express from 'express';
import { ObjectId } from 'mongodb';
import { mountPartnerVehiclesRoute } from '../../subgraphs/marketplace/bookings/partner-vehicles.route.js';
import type { CentreStore } from '../../subgraphs/marketplace/centres/centre.store.js';
import { listenLocally } from '../../test/local-server.js';
import { INTERNAL_SECRET_HEADER, type Viewer } from '../auth/viewer.js';
import { ServiceUnavailableError } from '../errors.js';
import type { SubgraphContext } from '../subgraph/context.js';
import { authorizePartnerRead, HttpPartnerAccess, NO_PARTNER_ACCESS, type PartnerAccess } from './partner-access.js';
import type { VehicleAccess } from './vehicle-access.js';

const access: VehicleAccess = {
  ownership: async (id) => (id === 'v1' ? { vehicleId: 'v1', ownerId: 'alice', active: true } : null),
};
const user = (userId: string): Viewer => ({ kind: 'user', userId, roles: ['CUSTOMER'] });
const context = (viewer: Viewer | undefined) => ({ viewer, requestId: 'r', logger: {} }) as unknown as SubgraphContext;

function partners(answer: boolean | Error): PartnerAccess & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    seesVehicle: async (userId, vehicleId) => {
      asked.push(`${userId}:${vehicleId}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}
const code = (p: PartnerAccess, viewer: Viewer | undefined, vehicleId = 'v1') =>
  authorizePartnerRead(access, p, context(viewer), vehicleId).then(
    () => 'OK',
    (error: { extensions: { code: string } }) => error.extensions.code,
  );

describe('authorizePartnerRead', () => {
  it('lets the owner read without asking the marketplace', async () => {
    const p = partners(false);
    expect(await code(p, user('alice'))).toBe('OK');
    expect(p.asked).toEqual([]);
  });

  it('lets a member of a centre the vehicle is booked at read, and nobody else', async () => {
    expect(await code(partners(true), user('garage'))).toBe('OK');
    const no = partners(false);
    expect(await code(no, user('bob'))).toBe('FORBIDDEN');
    expect(no.asked).toEqual(['bob:v1']);
    expect(await code(NO_PARTNER_ACCESS, user('garage'))).toBe('FORBIDDEN');
  });

  it('keeps the refusal when the marketplace cannot answer (fails closed)', async () => {
    expect(await code(partners(new ServiceUnavailableError()), user('garage'))).toBe('FORBIDDEN');
  });

  it('never asks for callers refused for another reason', async () => {
    const p = partners(true);
    expect(await code(p, undefined)).toBe('UNAUTHENTICATED');
    expect(await code(p, { kind: 'device', deviceId: 'd', vehicleId: 'v1' })).toBe('FORBIDDEN');
    expect(await code(p, { kind: 'apiKey', keyId: 'k', ownerId: 'alice', scopes: [] })).toBe('FORBIDDEN');
    expect(p.asked).toEqual([]);
  });
});

/** The marketplace's route over stores that know one centre (member `garage`) with `v1` booked. */
async function marketplace(options: { answer?: unknown; helping?: string[] } = {}) {
  const centre = new ObjectId();
  const asked: unknown[] = [];
  const centres = { ofMember: async (userId: string) => (userId === 'garage' ? [{ _id: centre }] : []) };
  const bookings = {
    vehiclesAtCentres: async (centreIds: string[], vehicleIds: string[]) => {
      asked.push({ centreIds, vehicleIds });
      return centreIds.includes(centre.toHexString()) ? vehicleIds.filter((id) => id === 'v1') : [];
    },
  };
  const app = express();
  app.use(express.json());
  const secrets: (string | undefined)[] = [];
  app.use((req, res, next) => {
    secrets.push(req.header(INTERNAL_SECRET_HEADER));
    if (options.answer !== undefined) return void res.json(options.answer);
    next();
  });
  const router = express.Router();
  // The centre helps `options.helping` at the roadside right now.
  const roadside = {
    vehiclesHelpedBy: async (centreIds: string[], vehicleIds: string[]) =>
      centreIds.includes(centre.toHexString()) ? vehicleIds.filter((id) => options.helping?.includes(id)) : [],
  };
  mountPartnerVehiclesRoute(router, centres as unknown as CentreStore, bookings, roadside);
  app.use(router);
  return { ...(await listenLocally(app)), asked, secrets };
}

const failureCode = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: { extensions?: { code: string } }) => error.extensions?.code ?? error,
  );

describe('HttpPartnerAccess', () => {
  it("asks the marketplace's partner-vehicles route with the secret, and reuses the answer", async () => {
    const m = await marketplace();
    try {
      const partners = new HttpPartnerAccess({ marketplaceUrl: () => m.url, internalSecret: 's3cret' });
      expect(await partners.seesVehicle('garage', 'v1')).toBe(true);
      expect(await partners.seesVehicle('garage', 'v2')).toBe(false);
      expect(await partners.seesVehicle('bob', 'v1')).toBe(false);
      expect(await partners.seesVehicle('garage', 'v1')).toBe(true);
      expect(m.asked).toHaveLength(3);
      expect(m.secrets).toEqual(['s3cret', 's3cret', 's3cret']);
    } finally {
      await m.close();
    }
  });

  it('is unavailable (SERVICE_UNAVAILABLE) when the marketplace answers outside the contract, refuses or is down', async () => {
    const bad = await marketplace({ answer: { vehicles: ['v1'] } });
    const refusing = await marketplace();
    try {
      const ask = (url: string, userId = 'garage') =>
        failureCode(new HttpPartnerAccess({ marketplaceUrl: url, internalSecret: 's' }).seesVehicle(userId, 'v1'));
      expect(await ask(bad.url)).toBe('SERVICE_UNAVAILABLE');
      // A user id past the contract's 64 characters is refused before it is sent.
      expect(await ask(refusing.url, 'x'.repeat(65))).toBe('SERVICE_UNAVAILABLE');
      expect(refusing.secrets).toEqual([]);
      expect(await ask('http://127.0.0.1:9/graphql')).toBe('SERVICE_UNAVAILABLE');
      expect(await ask('not a url')).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await Promise.all([bad.close(), refusing.close()]);
    }
  });

  it("refuses a request that breaks the route's contract with 400 and what is required", async () => {
    const m = await marketplace();
    try {
      const response = await fetch(`${new URL(m.url).origin}/internal/marketplace/partner-vehicles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'garage', vehicleIds: [] }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'userId and 1 to 100 vehicleIds are required' });
      expect(m.asked).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('answers the roadside scope with the vehicles the centre helps only, and never keeps a roadside refusal', async () => {
    const m = await marketplace({ helping: ['v9'] });
    try {
      const partners = new HttpPartnerAccess({ marketplaceUrl: () => m.url, internalSecret: 's' });
      // Booked (v1) is work, not roadside; helped (v9) is both.
      expect(await partners.seesVehicle('garage', 'v1', 'roadside')).toBe(false);
      expect(await partners.seesVehicle('garage', 'v9', 'roadside')).toBe(true);
      expect(await partners.seesVehicle('garage', 'v9')).toBe(true);
      expect(await partners.seesVehicle('garage', 'v1')).toBe(true);
      expect(await partners.seesVehicle('bob', 'v9', 'roadside')).toBe(false);
      const calls = m.secrets.length;
      // A refusal is asked again (the partner may accept the request in between); an admission is kept.
      expect(await partners.seesVehicle('garage', 'v1', 'roadside')).toBe(false);
      expect(await partners.seesVehicle('garage', 'v9', 'roadside')).toBe(true);
      expect(m.secrets.length).toBe(calls + 1);
    } finally {
      await m.close();
    }
  });

  it('lets a roadside read through only what the roadside scope admits', async () => {
    const scoped: PartnerAccess & { scopes: unknown[] } = {
      scopes: [],
      seesVehicle: async (_userId, _vehicleId, scope) => {
        scoped.scopes.push(scope);
        return scope === 'roadside';
      },
    };
    await expect(
      authorizePartnerRead(access, scoped, context(user('garage')), 'v1', 'roadside'),
    ).resolves.toBeUndefined();
    await expect(authorizePartnerRead(access, scoped, context(user('garage2')), 'v1')).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(scoped.scopes).toEqual(['roadside', 'work']);
  });
});
