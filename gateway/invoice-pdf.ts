import express, { type Router } from 'express';
import {
  CLIENT_IP_HEADER,
  INTERNAL_SECRET_HEADER,
  REQUEST_ID_HEADER,
  VIEWER_HEADER,
  encodeViewer,
} from '../platform/auth/viewer.js';
import {
  ClutchError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from '../platform/errors.js';
import { invoicePdfPath } from '../subgraphs/payments/contract.js';
import { credentialsFromHeaders, type Authenticator } from './auth/authenticate.js';
import { sendError } from './limits/request-limits.js';
import type { RateLimits } from './rate-limits/rate-limits.js';

/**
 * `GET /invoices/<id>.pdf`: an invoice's PDF, with the same credentials and the same rules as the
 * `invoice(id)` field. The gateway verifies the credential (failures counted like /graphql's)
 * and forwards the viewer to payments, which decides who may read it and renders it.
 */
export function mountInvoicePdf(
  routes: Router,
  options: {
    authenticator: Authenticator;
    rateLimits: Pick<RateLimits, 'authFailures'>;
    paymentsUrl: string | undefined;
    internalSecret: string;
    timeoutMs: number;
  },
): void {
  routes.get('/invoices/:file', async (req: express.Request, res: express.Response) => {
    try {
      const id = /^([0-9a-f]{24})\.pdf$/.exec(String(req.params.file))?.[1];
      const credentials = credentialsFromHeaders(req.headers);
      const viewer = await options.rateLimits.authFailures.guard(credentials, req.ip, () =>
        options.authenticator.authenticate(credentials),
      );
      if (!viewer) throw new UnauthenticatedError();
      if (!id) throw new NotFoundError('Invoice');
      if (!options.paymentsUrl) throw new ServiceUnavailableError();
      let answer: Response;
      try {
        answer = await fetch(`${new URL(options.paymentsUrl).origin}${invoicePdfPath(id)}`, {
          headers: {
            [INTERNAL_SECRET_HEADER]: options.internalSecret,
            [VIEWER_HEADER]: encodeViewer(viewer),
            [REQUEST_ID_HEADER]: String(req.id ?? ''),
            ...(req.ip ? { [CLIENT_IP_HEADER]: req.ip } : {}),
          },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch {
        throw new ServiceUnavailableError();
      }
      if (answer.status >= 500) throw new ServiceUnavailableError();
      res.status(answer.status);
      for (const header of ['content-type', 'content-disposition', 'cache-control']) {
        const value = answer.headers.get(header);
        if (value) res.setHeader(header, value);
      }
      res.send(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      if (!(error instanceof ClutchError)) throw error;
      if (error instanceof RateLimitedError) res.setHeader('retry-after', String(error.extensions.retryAfterSeconds));
      const status = { UNAUTHENTICATED: 401, RATE_LIMITED: 429, NOT_FOUND: 404 }[error.code as string] ?? 503;
      sendError(res, status, error);
    }
  });
}
