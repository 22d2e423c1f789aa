import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './environment.js';

describe('configuration', () => {
  it('starts with no variables at all outside production, generating the secrets', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.JWT_SECRET).toHaveLength(64);
    expect(config.serviceUrls.identity).toBe('http://127.0.0.1:4001/graphql');
  });

  it('names every missing or bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'eighty', JWT_SECRET: 'short', ADMIN_EMAIL: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'JWT_SECRET', 'INTERNAL_SECRET', 'MONGODB_URI', 'ADMIN_EMAIL'])
      expect(message).toContain(name);
  });

  it('.env.example lists exactly the variables the system reads', () => {
    const listed = readFileSync('.env.example', 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter(Boolean);
    expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
