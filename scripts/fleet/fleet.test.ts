import { CredentialsError, credentialsFrom } from './credentials.js';
import { chunkOwners } from './provision-fleet.js';

describe('credentialsFrom', () => {
  it('takes an API key over an admin, the flags over the environment', () => {
    const env = { CLUTCH_API_KEY: 'ck_env', ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'secret-secret' };
    expect(credentialsFrom({ apiKey: 'ck_flag' }, env)).toEqual({ apiKey: 'ck_flag' });
    expect(credentialsFrom({}, env)).toEqual({ apiKey: 'ck_env' });
    expect(credentialsFrom({ adminEmail: 'x@y.z' }, { ...env, CLUTCH_API_KEY: undefined })).toEqual({
      email: 'x@y.z',
      password: 'secret-secret',
    });
  });

  it('says how to give credentials when there are none', () => {
    expect(() => credentialsFrom({}, {})).toThrow(CredentialsError);
    expect(() => credentialsFrom({ adminEmail: 'a@b.c' }, {})).toThrow(/--api-key .* ADMIN_EMAIL and ADMIN_PASSWORD/);
  });
});

describe('chunkOwners', () => {
  const owner = (vehicles: number) => ({ vehicles: Array.from({ length: vehicles }, () => ({})) });

  it('fills requests up to 100 owners and 500 vehicles, in order, never splitting an owner', () => {
    expect(chunkOwners(Array.from({ length: 250 }, () => owner(1))).map((c) => c.length)).toEqual([100, 100, 50]);
    const big = [owner(50), ...Array.from({ length: 10 }, () => owner(50)), owner(3)];
    expect(chunkOwners(big).map((c) => c.reduce((n, o) => n + o.vehicles.length, 0))).toEqual([500, 53]);
    expect(chunkOwners([])).toEqual([]);
  });
});
