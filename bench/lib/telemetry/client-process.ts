import { serveWorker } from '../worker.js';
import { runIngestLoad } from './ingest-load.js';
import { measureLive } from './live-latency.js';
import type { ClientRequest } from './messages.js';
import { SubscriberPool } from './subscriber-pool.js';

/* The telemetry benchmark's load process: ingest load, and the subscribers with the events they wait for. */

const pool = new SubscriberPool();

serveWorker<ClientRequest>(async (request) => {
  switch (request.kind) {
    case 'ingest':
      return runIngestLoad(request.settings);
    case 'subscribe':
      return pool.connect(request.settings);
    case 'measure':
      return measureLive(pool, request.settings);
    case 'unsubscribe':
      return pool.disconnect();
  }
});
