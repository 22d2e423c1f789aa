import { ErrorCode } from '../../../platform/errors.js';
import type { CentreDirectory } from '../invoices/centre-directory.js';
import { CentreAccess } from './centre-access.js';

const CENTRE = 'a'.repeat(24);
const MEMBER = 'b'.repeat(24);
let asked = 0;
const directory: CentreDirectory = {
  memberCentres: async () => [],
  profiles: async (ids) => {
    asked++;
    return ids.filter((id) => id === CENTRE).map((id) => ({ id, name: 'Garage', address: null, memberIds: [MEMBER] }));
  },
};
const access = new CentreAccess(directory);
const user = (userId: string, ...roles: string[]) => ({ kind: 'user' as const, userId, roles: roles as never });

describe('who may read a centre`s money', () => {
  it('its members and staff (staff without asking the marketplace)', async () => {
    expect(await access.check(user(MEMBER, 'PARTNER'), CENTRE)).toBe(CENTRE);
    asked = 0;
    expect(await access.check(user('c'.repeat(24), 'STAFF'), CENTRE)).toBe(CENTRE);
    expect(asked).toBe(0);
  });

  it.each([
    ['another partner', user('c'.repeat(24), 'PARTNER'), CENTRE, ErrorCode.FORBIDDEN],
    ['a member, for a centre that does not exist', user(MEMBER, 'PARTNER'), 'f'.repeat(24), ErrorCode.FORBIDDEN],
    ['a device', { kind: 'device' as const, deviceId: 'd', vehicleId: 'v' }, CENTRE, ErrorCode.FORBIDDEN],
    ['an API key', { kind: 'apiKey' as const, keyId: 'k', ownerId: MEMBER, scopes: [] }, CENTRE, ErrorCode.FORBIDDEN],
    ['a malformed centre id', user(MEMBER, 'PARTNER'), 'centre-1', ErrorCode.BAD_USER_INPUT],
  ])('refuses %s', async (_name, viewer, centreId, code) => {
    await expect(access.check(viewer, centreId)).rejects.toMatchObject({ extensions: { code } });
  });
});
