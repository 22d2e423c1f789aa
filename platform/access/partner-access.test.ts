import type { Viewer } from '../auth/viewer.js';
import { ServiceUnavailableError } from '../errors.js';
import type { SubgraphContext } from '../subgraph/context.js';
import { authorizePartnerRead, NO_PARTNER_ACCESS, type PartnerAccess } from './partner-access.js';
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
