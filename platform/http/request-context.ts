import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER } from '../auth/viewer.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import { lazyChildLogger } from './lazy-child-logger.js';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

/**
 * Gives each request an id (kept from `x-request-id` when it looks sane, so one id follows
 * a request from the gateway into every subgraph), a child logger, and a duration metric.
 */
export function requestContext(logger: Logger, metrics: ServiceMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.header(REQUEST_ID_HEADER);
    req.id = given && VALID_REQUEST_ID.test(given) ? given : randomUUID();
    req.log = lazyChildLogger(logger, { reqId: req.id });
    res.setHeader(REQUEST_ID_HEADER, req.id);
    const stop = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route =
        req.route?.path ?? (req.path.startsWith('/health') ? req.path : req.path === '/graphql' ? '/graphql' : 'other');
      stop({ route, status: String(res.statusCode) });
      if (res.statusCode >= 500) req.log.warn({ status: res.statusCode, path: req.path }, 'request failed');
    });
    next();
  };
}
