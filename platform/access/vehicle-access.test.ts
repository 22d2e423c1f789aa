import type { Viewer } from '../auth/viewer.js';
import { authorizeVehicle, type VehicleAccess } from './vehicle-access.js';

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
