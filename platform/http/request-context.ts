import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER } from '../auth/viewer.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import { lazyChildLogger } from './lazy-child-logger.js';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

const requestIdFrom = (given: string | undefined) => (given && VALID_REQUEST_ID.test(given) ? given : randomUUID());

/** The route label of a request answered outside any Express route (`req.route` unset). */
const routeOf = (path: string) => (path.startsWith('/health') ? path : path === '/graphql' ? '/graphql' : 'other');

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
    req.id = requestIdFrom(req.header(REQUEST_ID_HEADER));
    req.log = lazyChildLogger(logger, { reqId: req.id });
    res.setHeader(REQUEST_ID_HEADER, req.id);
    const stop = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      stop({ route: req.route?.path ?? routeOf(req.path), status: String(res.statusCode) });
      if (res.statusCode >= 500) req.log.warn({ status: res.statusCode, path: req.path }, 'request failed');
    });
    next();
  };
}

export interface RequestScope {
  id: string;
  log: Logger;
}

/**
 * `requestContext` for a handler in front of Express, on plain node:http objects: the same id,
 * response header, logger, metric and warning. `pathAtFinish` is the `req.path` Express would
 * have shown the finish handler (which picks the route label and the warning's path).
 */
export function nodeRequestContext(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  metrics: ServiceMetrics,
  pathAtFinish: () => string,
): RequestScope {
  const id = requestIdFrom(req.headers[REQUEST_ID_HEADER] as string | undefined);
  const log = lazyChildLogger(logger, { reqId: id });
  res.setHeader(REQUEST_ID_HEADER, id);
  const stop = metrics.httpDuration.startTimer({ method: req.method });
  res.on('finish', () => {
    const path = pathAtFinish();
    stop({ route: routeOf(path), status: String(res.statusCode) });
    if (res.statusCode >= 500) log.warn({ status: res.statusCode, path }, 'request failed');
  });
  return { id, log };
}
