import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../test/wait-for.js';
import { INTERNAL_SECRET_HEADER, type Viewer } from '../auth/viewer.js';
import {
  authorizeIngest,
  authorizeVehicle,
  HttpVehicleAccess,
  type VehicleAccess,
  type VehicleOwnership,
} from './vehicle-access.js';

const access: VehicleAccess = {
  ownership: async (id) =>
    ({
      v1: { vehicleId: 'v1', ownerId: 'alice', active: true },
      gone: { vehicleId: 'gone', ownerId: 'alice', active: false },
    })[id] ?? null,
};
const code = async (viewer: Viewer | undefined, vehicleId: string, op: 'read' | 'ingest') => {
  try {
    await authorizeVehicle(access, viewer, vehicleId, op);
    return 'OK';
  } catch (error) {
    return (error as { extensions: { code: string } }).extensions.code;
  }
};
const user = (userId: string, roles: ('ADMIN' | 'STAFF' | 'CUSTOMER')[] = ['CUSTOMER']): Viewer => ({
  kind: 'user',
  userId,
  roles,
});
const device = (vehicleId: string): Viewer => ({ kind: 'device', deviceId: 'd', vehicleId });

describe('authorizeVehicle', () => {
  it('lets owners and staff read and ingest, and refuses other customers', async () => {
    expect(await code(user('alice'), 'v1', 'read')).toBe('OK');
    expect(await code(user('alice'), 'v1', 'ingest')).toBe('OK');
    expect(await code(user('bob'), 'v1', 'read')).toBe('FORBIDDEN');
    expect(await code(user('bob'), 'v1', 'ingest')).toBe('FORBIDDEN');
    expect(await code(user('staff', ['STAFF']), 'v1', 'read')).toBe('OK');
    expect(await code(user('admin', ['ADMIN']), 'v1', 'read')).toBe('OK');
  });

  it('lets a device ingest for its own vehicle only, and never read', async () => {
    expect(await code(device('v1'), 'v1', 'ingest')).toBe('OK');
    expect(await code(device('v1'), 'v1', 'read')).toBe('FORBIDDEN');
    expect(await code(device('v2'), 'v1', 'ingest')).toBe('FORBIDDEN');
  });

  it('hides whether a vehicle exists from customers, and reports removed or unknown ones to staff', async () => {
    expect(await code(user('bob'), 'nope', 'read')).toBe('FORBIDDEN');
    expect(await code(user('alice'), 'gone', 'read')).toBe('FORBIDDEN');
    expect(await code(user('admin', ['ADMIN']), 'nope', 'read')).toBe('NOT_FOUND');
    expect(await code(undefined, 'v1', 'read')).toBe('UNAUTHENTICATED');
    expect(await code({ kind: 'apiKey', keyId: 'k', ownerId: 'o', scopes: [] }, 'v1', 'read')).toBe('FORBIDDEN');
  });
});

describe('authorizeIngest', () => {
  const asked: string[] = [];
  const counting: VehicleAccess = { ownership: async (id) => (asked.push(id), access.ownership(id)) };
  const ingest = async (viewer: Viewer | undefined, vehicleId: string) => {
    try {
      await authorizeIngest(counting, viewer, vehicleId);
      return 'OK';
    } catch (error) {
      return (error as { extensions: { code: string } }).extensions.code;
    }
  };
  beforeEach(() => asked.splice(0));

  it("lets a device ingest for its own vehicle on the gateway's verdict, without asking the vehicles subgraph", async () => {
    expect(await ingest(device('v1'), 'v1')).toBe('OK');
    expect(asked).toEqual([]);
  });

  it('refuses a device for another vehicle, and asks nothing', async () => {
    expect(await ingest(device('v2'), 'v1')).toBe('FORBIDDEN');
    expect(asked).toEqual([]);
  });

  it('checks users as authorizeVehicle does', async () => {
    expect(await ingest(user('alice'), 'v1')).toBe('OK');
    expect(await ingest(user('bob'), 'v1')).toBe('FORBIDDEN');
    expect(await ingest(undefined, 'v1')).toBe('UNAUTHENTICATED');
    expect(asked).toEqual(['v1', 'v1']);
  });
});

describe('HttpVehicleAccess', () => {
  /** A stand-in vehicles subgraph: who owns what, and every call's ids. */
  async function vehiclesService(owners: Record<string, VehicleOwnership>) {
    const calls: string[][] = [];
    let failing = false;
    let answer: unknown = null;
    const server: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        if (req.headers[INTERNAL_SECRET_HEADER] !== 'secret') return void res.writeHead(401).end();
        const { vehicleIds } = JSON.parse(text) as { vehicleIds: string[] };
        calls.push(vehicleIds);
        if (failing) return void res.writeHead(500).end();
        const vehicles = vehicleIds.filter((id) => owners[id]).map((id) => owners[id]);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? { vehicles }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
      calls,
      fail: (on: boolean) => void (failing = on),
      /** Answers this instead, whatever is asked. */
      answerWith: (body: unknown) => void (answer = body),
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const owned = (vehicleId: string, ownerId = 'alice', active = true) => ({ vehicleId, ownerId, active });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('asks for the ids of concurrent lookups in one call, and each id once however many ask', async () => {
    const service = await vehiclesService({ v1: owned('v1'), v2: owned('v2', 'bob') });
    const access = new HttpVehicleAccess({ vehiclesUrl: service.url, internalSecret: 'secret' });
    const answers = await Promise.all(['v1', 'v2', 'v1', 'nope'].map((id) => access.ownership(id)));
    expect(answers).toEqual([owned('v1'), owned('v2', 'bob'), owned('v1'), null]);
    expect(service.calls).toEqual([['v1', 'v2', 'nope']]);
    // Answers, unknown ids included, are reused.
    expect(await access.ownership('nope')).toBeNull();
    expect(service.calls).toHaveLength(1);
    await service.close();
  });

  it('uses an answer past half its life at once and refreshes it behind, never one older than cacheSeconds', async () => {
    const owners = { v1: owned('v1') };
    const service = await vehiclesService(owners);
    const access = new HttpVehicleAccess({ vehiclesUrl: service.url, internalSecret: 'secret', cacheSeconds: 2 });
    expect(await access.ownership('v1')).toEqual(owned('v1'));
    owners.v1 = owned('v1', 'alice', false);
    await sleep(1200);
    // Past half its life: the old answer at once, and one call to refresh it.
    expect(await access.ownership('v1')).toEqual(owned('v1'));
    expect(await access.ownership('v1')).toEqual(owned('v1'));
    await waitFor(() => service.calls.length === 2, 'the refresh');
    await sleep(20);
    expect(await access.ownership('v1')).toEqual(owned('v1', 'alice', false));
    // Nobody asks for a while: past its life, the next caller waits for a fresh answer.
    owners.v1 = owned('v1', 'carol');
    await sleep(2100);
    expect(await access.ownership('v1')).toEqual(owned('v1', 'carol'));
    expect(service.calls).toHaveLength(3);
    await service.close();
  });

  it('refuses with SERVICE_UNAVAILABLE every caller of a call that failed, and keeps no answer from it', async () => {
    const service = await vehiclesService({ v1: owned('v1') });
    const access = new HttpVehicleAccess({ vehiclesUrl: service.url, internalSecret: 'secret' });
    service.fail(true);
    const failed = await Promise.allSettled([access.ownership('v1'), access.ownership('v1')]);
    for (const outcome of failed) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason.extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
    service.fail(false);
    expect(await access.ownership('v1')).toEqual(owned('v1'));
    expect(service.calls).toEqual([['v1'], ['v1']]);
    await service.close();
  });

  it('refuses with SERVICE_UNAVAILABLE an answer outside the vehicles contract instead of trusting it', async () => {
    const service = await vehiclesService({ v1: owned('v1') });
    const access = new HttpVehicleAccess({ vehiclesUrl: service.url, internalSecret: 'secret' });
    // No owner: cast, this was a vehicle whose owner is nobody, readable by staff.
    service.answerWith({ vehicles: [{ vehicleId: 'v1', active: true }] });
    const refused = await access.ownership('v1').catch((error: { extensions: { code: string } }) => error);
    expect((refused as { extensions: { code: string } }).extensions.code).toBe('SERVICE_UNAVAILABLE');
    service.answerWith(null);
    expect(await access.ownership('v1')).toEqual(owned('v1'));
    await service.close();
  });
});
