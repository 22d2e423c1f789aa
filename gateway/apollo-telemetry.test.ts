import { keepApolloTelemetryOff } from './apollo-telemetry.js';

describe('keepApolloTelemetryOff', () => {
  it("turns @apollo/gateway's usage export off when the operator said nothing", () => {
    const env: NodeJS.ProcessEnv = {};
    keepApolloTelemetryOff(env);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('leaves an explicit choice alone', () => {
    const env: NodeJS.ProcessEnv = { APOLLO_TELEMETRY_DISABLED: 'false' };
    keepApolloTelemetryOff(env);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBe('false');
  });
});
