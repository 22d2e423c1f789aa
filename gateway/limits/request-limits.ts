import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ClutchError, ErrorCode, LimitError } from '../../platform/errors.js';
import { assertTokenLimit } from './operation-limits.js';

/** Limits on the HTTP request itself, checked before GraphQL sees it. */
export interface RequestLimits {
  /** Largest JSON body. HTTP_BODY_LIMIT_BYTES, default 100 KiB → PAYLOAD_TOO_LARGE (413). */
  bodyLimitBytes: number;
  /** Operations in one batched request. GRAPHQL_MAX_BATCH, default 10 → BATCH_TOO_LARGE. */
  maxBatch: number;
  /** See OperationLimits.maxTokens. */
  maxTokens: number;
}

export function sendError(res: express.Response, status: number, error: ClutchError): void {
  // The traffic window counts this refusal by its code (see TrafficWindow.middleware).
  res.locals.refusalCode = error.code;
  res.status(status).json({ errors: [{ message: error.message, extensions: error.extensions }] });
}

export const jsonBody = (limits: RequestLimits): RequestHandler => express.json({ limit: limits.bodyLimitBytes });

/** Turns body-parser failures into GraphQL-shaped errors with stable codes. */
export const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (error?.type === 'entity.too.large') {
    return sendError(
      res,
      413,
      new LimitError(ErrorCode.PAYLOAD_TOO_LARGE, `The request body exceeds ${error.limit} bytes`, error.limit),
    );
  }
  if (error?.type === 'entity.parse.failed' || error?.type === 'encoding.unsupported') {
    return sendError(res, 400, new ClutchError('The request body is not valid JSON', ErrorCode.BAD_USER_INPUT));
  }
  next(error);
};

export function batchAndTokenLimits(limits: RequestLimits): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    const operations = Array.isArray(body) ? body : [body ?? req.query];
    if (operations.length > limits.maxBatch) {
      return sendError(
        res,
        400,
        new LimitError(
          ErrorCode.BATCH_TOO_LARGE,
          `A batch may hold at most ${limits.maxBatch} operations`,
          limits.maxBatch,
        ),
      );
    }
    try {
      for (const op of operations) {
        const query = (op as { query?: unknown } | null)?.query;
        if (typeof query === 'string') assertTokenLimit(query, limits.maxTokens);
      }
    } catch (error) {
      return sendError(res, 400, error as LimitError);
    }
    next();
  };
}
