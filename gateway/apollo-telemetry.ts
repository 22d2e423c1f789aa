/**
 * @apollo/gateway exports usage metrics to Apollo's servers, probing cloud metadata endpoints
 * (AWS, GCP, Azure) on the way, unless APOLLO_TELEMETRY_DISABLED is set. A backend that holds
 * drivers' data sends nothing out unasked: off unless the operator sets the variable to "false".
 * Must run before the gateway is constructed, which is when it reads the variable.
 */
export function keepApolloTelemetryOff(env: NodeJS.ProcessEnv = process.env): void {
  env.APOLLO_TELEMETRY_DISABLED ??= 'true';
}
