import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ServiceUnavailableError } from '../../platform/errors.js';
import { DEVICE_TOKEN_PREFIX } from '../auth/authenticate.js';
import type { GatewayContext } from '../context.js';
import { rootFields } from '../rate-limits/keys.js';
import { INGEST_FIELDS } from '../rate-limits/rules.js';
import { sendError } from './request-limits.js';

export interface IngestAdmissionOptions {
  /** Ingest operations this gateway runs at once (INGEST_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** What a refused client is told to wait. */
  retryAfterSeconds: number;
  registry?: Registry;
}

const INGEST: ReadonlySet<string> = new Set(INGEST_FIELDS);
const DEVICE_BEARER = new RegExp(`^\\s*Bearer\\s+${DEVICE_TOKEN_PREFIX}`, 'i');

/**
 * Admission control for ingest. Past `maxInFlight` uploads running at once, another is refused
 * before it executes, with SERVICE_UNAVAILABLE and Retry-After, instead of queueing behind the
 * others. Without a bound, a database slower than the fleet made every upload wait until
 * SUBGRAPH_TIMEOUT_MS, answered SERVICE_UNAVAILABLE while telemetry still stored it, and the
 * device's retry ran the same upload again: the work of each upload done twice, and no answer
 * in time for anyone. Refused, a device keeps its readings and sends them later (a dongle sends
 * its backlog together), and the uploads admitted stay fast.
 *
 * Refusals must cost far less than uploads, or a fleet far beyond capacity spends the process
 * on them: a device's request (device tokens may only ingest) is refused at the door, before
 * its body is parsed, whenever the bound is reached; any other caller's ingest operation is
 * refused on its own once resolved (`plugin`).
 */
export class IngestAdmission {
  private inFlight = 0;
  private readonly refused: Counter;

  constructor(private readonly options: IngestAdmissionOptions) {
    const registers = options.registry ? [options.registry] : [];
    this.refused = new Counter({
      name: 'gateway_ingest_refused_total',
      help: 'Ingest operations (or device requests, at the door) refused with SERVICE_UNAVAILABLE because INGEST_MAX_IN_FLIGHT were running',
      labelNames: ['at'],
      registers,
    });
    const gauge: Gauge = new Gauge({
      name: 'gateway_ingest_in_flight',
      help: 'Ingest operations running in this gateway',
      registers,
      collect: () => gauge.set(this.inFlight),
    });
  }

  private get full(): boolean {
    return this.inFlight >= this.options.maxInFlight;
  }

  private refusal(): ServiceUnavailableError {
    return new ServiceUnavailableError(
      'Too many uploads in progress; send again shortly',
      this.options.retryAfterSeconds,
    );
  }

  /** Before the body parser: a device's whole request, refused with 503 and Retry-After while full. */
  door(): RequestHandler {
    return (req, res, next) => {
      const authorization = req.headers.authorization;
      if (!this.full || typeof authorization !== 'string' || !DEVICE_BEARER.test(authorization)) return next();
      this.refused.inc({ at: 'door' });
      res.setHeader('retry-after', String(this.options.retryAfterSeconds));
      sendError(res, 503, this.refusal());
    };
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => {
        let admitted = false;
        let refusedHere = false;
        return {
          didResolveOperation: async ({ schema, document, operation }) => {
            if (!rootFields(schema, document, operation).some((field) => INGEST.has(field))) return;
            if (this.full) {
              this.refused.inc({ at: 'operation' });
              refusedHere = true;
              return;
            }
            this.inFlight++;
            admitted = true;
          },
          // Answered in place of executing, not thrown: a thrown error sets the HTTP status, and a
          // batch shares one, so the uploads of the same request that were stored would look lost.
          responseForOperation: async () => (refusedHere ? this.answer() : null),
          willSendResponse: async () => {
            if (admitted) this.inFlight--;
            admitted = false;
          },
        };
      },
    };
  }

  /** SERVICE_UNAVAILABLE with retryAfterSeconds, and a Retry-After header beside it. */
  private answer(): GraphQLResponse {
    const error = this.refusal();
    return {
      http: { status: undefined, headers: new HeaderMap([['retry-after', String(this.options.retryAfterSeconds)]]) },
      body: { kind: 'single', singleResult: { errors: [{ message: error.message, extensions: error.extensions }] } },
    };
  }
}
