import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ServiceUnavailableError } from '../../platform/errors.js';
import type { GatewayContext } from '../context.js';
import { rootFields } from '../rate-limits/keys.js';
import { INGEST_FIELDS } from '../rate-limits/rules.js';

export interface IngestAdmissionOptions {
  /** Ingest operations this gateway runs at once (INGEST_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** What a refused client is told to wait. */
  retryAfterSeconds: number;
  registry?: Registry;
}

const INGEST: ReadonlySet<string> = new Set(INGEST_FIELDS);

/**
 * Admission control for ingest. Past `maxInFlight` uploads running at once, another is refused
 * before it executes, with SERVICE_UNAVAILABLE and Retry-After, instead of queueing behind the
 * others. Without a bound, a database slower than the fleet made every upload wait until
 * SUBGRAPH_TIMEOUT_MS, answered SERVICE_UNAVAILABLE while telemetry still stored it, and the
 * device's retry ran the same upload again: the work of each upload done twice, and no answer
 * in time for anyone. Refused, a device keeps its readings and sends them later (a dongle sends
 * its backlog together), and the uploads admitted stay fast.
 */
export function ingestAdmissionPlugin(options: IngestAdmissionOptions): ApolloServerPlugin<GatewayContext> {
  let inFlight = 0;
  const registers = options.registry ? [options.registry] : [];
  const refused = new Counter({
    name: 'gateway_ingest_refused_total',
    help: 'Ingest operations refused with SERVICE_UNAVAILABLE because INGEST_MAX_IN_FLIGHT were running',
    registers,
  });
  new Gauge({
    name: 'gateway_ingest_in_flight',
    help: 'Ingest operations running in this gateway',
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  return {
    async requestDidStart() {
      let admitted = false;
      let refusedHere = false;
      return {
        async didResolveOperation({ schema, document, operation }) {
          if (!rootFields(schema, document, operation).some((field) => INGEST.has(field))) return;
          if (inFlight >= options.maxInFlight) {
            refused.inc();
            refusedHere = true;
            return;
          }
          inFlight++;
          admitted = true;
        },
        // Answered in place of executing, not thrown: a thrown error sets the HTTP status, and a
        // batch shares one, so the uploads of the same request that were stored would look lost.
        async responseForOperation() {
          return refusedHere ? refusal(options.retryAfterSeconds) : null;
        },
        async willSendResponse() {
          if (admitted) inFlight--;
          admitted = false;
        },
      };
    },
  };
}

/** SERVICE_UNAVAILABLE with retryAfterSeconds, and a Retry-After header beside it. */
function refusal(retryAfterSeconds: number): GraphQLResponse {
  const error = new ServiceUnavailableError('Too many uploads in progress; send again shortly', retryAfterSeconds);
  return {
    http: { status: undefined, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    body: { kind: 'single', singleResult: { errors: [{ message: error.message, extensions: error.extensions }] } },
  };
}
