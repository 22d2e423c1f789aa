// Docker HEALTHCHECK: asks the service this container runs for /health/ping.
const service = process.env.SERVICE || process.argv[2] || 'gateway';
const portVar = service === 'gateway' || service === 'all' ? 'PORT' : `${service.toUpperCase()}_PORT`;
const defaults = {
  PORT: 4000,
  IDENTITY_PORT: 4001,
  VEHICLES_PORT: 4002,
  TELEMETRY_PORT: 4003,
  HEALTH_PORT: 4004,
  AGENTS_PORT: 4005,
};
const port = process.env[portVar] || defaults[portVar] || 4000;
fetch(`http://127.0.0.1:${port}/health/ping`, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
