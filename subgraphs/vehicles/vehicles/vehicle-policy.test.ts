import { ClutchError } from '../../../platform/errors.js';
import { assertVehicleAccess, canAccessVehicle, type UserViewer } from './vehicle-policy.js';

const user = (userId: string, roles: UserViewer['roles'] = ['CUSTOMER']): UserViewer => ({
  kind: 'user',
  userId,
  roles,
});
const vehicle = { ownerId: 'alice' };
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as ClutchError).extensions.code;
  }
};

describe('vehicle policy', () => {
  it('lets owners, staff and admins in, and nobody else', () => {
    expect(canAccessVehicle(user('alice'), 'alice')).toBe(true);
    expect(canAccessVehicle(user('bob'), 'alice')).toBe(false);
    expect(canAccessVehicle(user('bob', ['PARTNER']), 'alice')).toBe(false);
    expect(canAccessVehicle(user('s', ['STAFF']), 'alice')).toBe(true);
    expect(canAccessVehicle(user('a', ['ADMIN']), 'alice')).toBe(true);
  });

  it("answers a customer FORBIDDEN alike for another's vehicle and an unknown one, so ids cannot be probed", () => {
    expect(assertVehicleAccess(user('alice'), vehicle)).toBe(vehicle);
    expect(code(() => assertVehicleAccess(user('bob'), vehicle))).toBe('FORBIDDEN');
    expect(code(() => assertVehicleAccess(user('bob'), null))).toBe('FORBIDDEN');
  });

  it('answers staff NOT_FOUND for an unknown vehicle', () => {
    expect(code(() => assertVehicleAccess(user('s', ['STAFF']), null))).toBe('NOT_FOUND');
    expect(assertVehicleAccess(user('s', ['STAFF']), vehicle)).toBe(vehicle);
  });
});
