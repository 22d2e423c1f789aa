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

  it('closes the playground and cross-origin access by default in production only', () => {
    const production = {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db',
      JWT_SECRET: 'j'.repeat(32),
      INTERNAL_SECRET: 'i'.repeat(32),
    };
    expect(loadConfig({})).toMatchObject({ PLAYGROUND_ENABLED: true, CORS_ORIGINS: '*' });
    expect(loadConfig(production)).toMatchObject({
      PLAYGROUND_ENABLED: false,
      CORS_ORIGINS: '',
    });
    expect(
      loadConfig({
        ...production,
        PLAYGROUND_ENABLED: 'true',
        CORS_ORIGINS: 'https://a.example, http://localhost:3000',
      }),
    ).toMatchObject({ PLAYGROUND_ENABLED: true, CORS_ORIGINS: 'https://a.example, http://localhost:3000' });
    expect(loadConfig({ PLAYGROUND_ENABLED: 'false' }).PLAYGROUND_ENABLED).toBe(false);
  });

  it('refuses a CORS origin with a path or trailing slash, and a short METRICS_TOKEN', () => {
    for (const env of [
      { CORS_ORIGINS: 'https://a.example/' },
      { CORS_ORIGINS: 'https://a.example,app.example' },
      { METRICS_TOKEN: 'short' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(32) }).METRICS_TOKEN).toBe('m'.repeat(32));
  });

  it('.env.example lists exactly the variables the system reads', () => {
    const listed = readFileSync('.env.example', 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter(Boolean);
    expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
