import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../errors.js';

/**
 * Stops taking requests the moment a server begins to shut down, on every connection. The
 * listener and idle keep-alive connections close later in the stop sequence, so until then a
 * client may still send a request on a connection it holds; that request is answered 503
 * SERVICE_UNAVAILABLE with `Connection: close` and never reaches a handler, so nothing is
 * written that the client would not hear about. Requests already in flight are untouched:
 * they finish and get their responses (pipelined refusals queue behind them).
 */
export class HttpDrain {
  private draining = false;

  /** Mount first, before anything that could act on a request. */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      if (!this.draining) return next();
      res.setHeader('connection', 'close');
      res.status(503).json({
        errors: [
          {
            message: 'The server is shutting down; send the request again on a new connection',
            extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
          },
        ],
      });
    };
  }

  /** Refuses every request from now on. */
  start(): void {
    this.draining = true;
  }

  get active(): boolean {
    return this.draining;
  }
}
