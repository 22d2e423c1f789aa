import { ObjectId } from 'mongodb';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { createLogger } from '../../../platform/logger.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { parseDeviceToken, secretMatches } from '../devices/device-token.js';
import { DeviceStore } from '../devices/device.store.js';
import { VehicleStore } from '../vehicles/vehicle.store.js';
import type { AccountDirectory, ProvisionedAccount } from './accounts.js';
import { FleetProvisioningService } from './fleet-provisioning.service.js';
import type { ProvisionFleetInput } from './fleet.type.js';
import { ProvisioningRequests } from './provisioning-requests.store.js';
import { requestIdOf, seal, unseal } from './replay-seal.js';

const db = useScratchDatabase('fleet_provisioning');

/** Identity stand-in: accounts by email, with hooks to fail or hold a call. */
class FakeAccounts implements AccountDirectory {
  readonly ids = new Map<string, string>();
  failAudit = 0;
  hold: Promise<void> | null = null;
  audits: string[] = [];

  async provision(request: Parameters<AccountDirectory['provision']>[0]): Promise<ProvisionedAccount[]> {
    if (this.hold) await this.hold;
    return request.accounts.map(({ email }) => {
      const known = this.ids.get(email);
      if (known || request.mode === 'lookup') return { email, userId: known ?? null, created: false };
      const id = new ObjectId().toHexString();
      this.ids.set(email, id);
      return { email, userId: id, created: true };
    });
  }

  async recordFleet(entry: { detail: string }): Promise<void> {
    if (this.failAudit-- > 0) throw new Error('identity is down');
    this.audits.push(entry.detail);
  }
}

const VIEWER = { kind: 'user' as const, userId: 'a'.repeat(24), roles: ['ADMIN' as const] };
const input = (key: string, n: number): ProvisionFleetInput => ({
  idempotencyKey: key,
  owners: [
    {
      email: `owner${n}@fleet.test`,
      name: 'Owner',
      vehicles: [
        { vin: `WVWZZZ1JZXW${String(n).padStart(6, '0')}`, pairDeviceSerial: `DONGLE-${n}` },
        { vin: `WVWZZZ1JZXW${String(n + 1).padStart(6, '0')}` },
      ],
    },
  ],
});

let accounts: FakeAccounts;
let devices: DeviceStore;
let requests: ProvisioningRequests;
let service: FleetProvisioningService;

beforeAll(async () => {
  accounts = new FakeAccounts();
  const vehicles = new VehicleStore(db());
  devices = new DeviceStore(db());
  requests = new ProvisioningRequests(db());
  await Promise.all([vehicles.init(), devices.init(), requests.init()]);
  service = new FleetProvisioningService({
    vehicles,
    devices,
    requests,
    accounts,
    bus: new InProcessEventBus(),
    logger: createLogger({ level: 'silent', service: 'test' }),
    limits: { maxVehiclesPerOwner: 50, maxDevicesPerVehicle: 5 },
  });
});

const tokenWorks = async (token: string) => {
  const parsed = parseDeviceToken(token)!;
  const device = await devices.findById(parsed.deviceId);
  return device !== null && secretMatches(parsed.secret, device.secretHash);
};

describe('FleetProvisioningService (real database)', () => {
  it('resumes a request that failed after writing: nothing twice, and new tokens for the devices it paired', async () => {
    accounts.failAudit = 1;
    await expect(service.provision(VIEWER, input('resume-after-failure-1', 100), {})).rejects.toThrow(
      /identity is down/,
    );
    const record = await db()
      .collection('provisioning_requests')
      .findOne({ _id: requestIdOf(`user:${VIEWER.userId}`, 'resume-after-failure-1') as never });
    expect(record).toMatchObject({ state: 'failed' });

    const retried = await service.provision(VIEWER, input('resume-after-failure-1', 100), {});
    expect(retried).toMatchObject({ replayed: false, ownersCreated: 0, vehiclesCreated: 0, devicesPaired: 1 });
    const device = retried.owners[0]!.vehicles[0]!.device!;
    expect(device.paired).toBe(true);
    expect(await tokenWorks(device.deviceToken!)).toBe(true);
    expect(await db().collection('vehicles').countDocuments()).toBe(2);
    expect(await db().collection('obd_devices').countDocuments()).toBe(1);

    // Another key finds the same fleet and leaves the token alone.
    const other = await service.provision(VIEWER, input('resume-after-failure-2', 100), {});
    expect(other.owners[0]!.vehicles[0]!.device).toMatchObject({ paired: false, deviceToken: null });
    expect(await tokenWorks(device.deviceToken!)).toBe(true);
  });

  it('refuses a second request with a key still in progress with CONFLICT and retryAfterSeconds', async () => {
    let release!: () => void;
    accounts.hold = new Promise<void>((resolve) => (release = resolve));
    const first = service.provision(VIEWER, input('in-progress-0001', 200), {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = service.provision(VIEWER, input('in-progress-0001', 200), {});
    await expect(second).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', retryAfterSeconds: expect.any(Number) },
    });
    accounts.hold = null;
    release();
    expect(await first).toMatchObject({ vehiclesCreated: 2, devicesPaired: 1 });
    expect(await service.provision(VIEWER, input('in-progress-0001', 200), {})).toMatchObject({ replayed: true });
  });

  it('frees the key of a request refused before it wrote anything', async () => {
    await service.provision(VIEWER, input('takes-the-vins-01', 300), {});
    const clash = input('clash-then-fixed', 400);
    (clash.owners[0]!.vehicles as { vin: string }[])[1]!.vin = 'WVWZZZ1JZXW000300';
    await expect(service.provision(VIEWER, clash, {})).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(await service.provision(VIEWER, input('clash-then-fixed', 400), {})).toMatchObject({ vehiclesCreated: 2 });
  });
});

describe('sealed replays', () => {
  it('open only with the caller and idempotency key they were sealed under', () => {
    const box = seal({ d: 'dt_secret' }, 'user:1', 'key-key-key-key-1');
    expect(JSON.stringify(box)).not.toContain('dt_secret');
    expect(unseal(box, 'user:1', 'key-key-key-key-1')).toEqual({ d: 'dt_secret' });
    expect(unseal(box, 'user:2', 'key-key-key-key-1')).toBeNull();
    expect(unseal(box, 'user:1', 'key-key-key-key-2')).toBeNull();
  });
});
