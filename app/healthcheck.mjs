// Docker HEALTHCHECK: asks the service this container runs for /health/ping, on the port it
// listens on (PORT for the gateway, else <NAME>_PORT, defaulting to the subgraph's descriptor).
import { SUBGRAPHS } from '../dist/subgraphs/registry.js';

const service = process.env.SERVICE || process.argv[2] || 'gateway';
const subgraph = SUBGRAPHS.find((s) => s.name === service);
const port = subgraph ? process.env[`${subgraph.name.toUpperCase()}_PORT`] || subgraph.port : process.env.PORT || 4000;
fetch(`http://127.0.0.1:${port}/health/ping`, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
