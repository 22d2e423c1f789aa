import { CONFIG_VARIABLES, loadConfig, SERVICE_NAMES } from '../platform/config/environment.js';
import { localUrl, portVariable, urlVariable } from '../platform/subgraph/descriptor.js';
import { SUBGRAPHS, SUBGRAPH_SCHEMAS } from './registry.js';

describe('the subgraph list', () => {
  it('names each subgraph once, each on a port of its own beside the gateway', () => {
    const names = SUBGRAPHS.map((s) => s.name);
    const ports = SUBGRAPHS.map((s) => s.port);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set([4000, ...ports]).size).toBe(ports.length + 1);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*$/);
  });

  it('keeps the variables and defaults of the subgraphs that existed before it', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      IDENTITY_PORT: 4001,
      VEHICLES_PORT: 4002,
      TELEMETRY_PORT: 4003,
      HEALTH_PORT: 4004,
      AGENTS_PORT: 4005,
    });
    expect(SERVICE_NAMES.slice(0, 5)).toEqual(['identity', 'vehicles', 'telemetry', 'health', 'agents']);
  });

  it('gives the config a port and a URL variable for every subgraph, derived from its descriptor', () => {
    const defaults = loadConfig({});
    const overridden = loadConfig(
      Object.fromEntries(
        SUBGRAPHS.map((s, i) => [urlVariable(s.name), `http://${s.name}.internal:${9000 + i}/graphql`]),
      ),
    );
    const moved = loadConfig(Object.fromEntries(SUBGRAPHS.map((s, i) => [portVariable(s.name), String(5001 + i)])));
    expect(SERVICE_NAMES).toEqual(SUBGRAPHS.map((s) => s.name));
    SUBGRAPHS.forEach(({ name, port }, i) => {
      expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining([portVariable(name), urlVariable(name)]));
      expect(defaults[portVariable(name)]).toBe(port);
      expect(defaults.serviceUrls[name]).toBe(localUrl(port));
      expect(overridden.serviceUrls[name]).toBe(`http://${name}.internal:${9000 + i}/graphql`);
      expect(moved.serviceUrls[name]).toBe(localUrl(5001 + i));
    });
    expect(() => loadConfig({ [portVariable(SUBGRAPHS[0].name)]: 'eighty' })).toThrow(portVariable(SUBGRAPHS[0].name));
  });

  it('composes every subgraph it starts, in the same order', () => {
    expect(SUBGRAPH_SCHEMAS.map((s) => s.name)).toEqual(SUBGRAPHS.map((s) => s.name));
  });
});
