import { Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { lazyChildLogger } from './lazy-child-logger.js';
import { requestContext } from './request-context.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      const { time: _time, ...line } = JSON.parse(String(chunk));
      lines.push(line);
      done();
    },
  });
  return { lines, destination };
}

describe('lazyChildLogger', () => {
  it('writes the lines an eager child writes, redaction and nested children included', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test', destination, level: 'debug' });
    const eager = logger.child({ reqId: 'r-1' });
    const lazy = lazyChildLogger(logger, { reqId: 'r-1' });
    for (const log of [eager, lazy]) {
      log.warn({ status: 503, password: 'hunter22hunter22' }, 'request failed');
      log.child({ step: 'x' }).debug('nested');
      log.info('plain');
    }
    expect(lines).toHaveLength(6);
    expect(lines.slice(3)).toEqual(lines.slice(0, 3));
    expect(lines[0]).toMatchObject({ reqId: 'r-1', service: 'test', password: '[redacted]', level: 'warn' });
    expect(lines[1]).toMatchObject({ reqId: 'r-1', step: 'x', msg: 'nested' });
    expect([lazy.level, lazy.isLevelEnabled('trace'), lazy.bindings()]).toEqual(['debug', false, eager.bindings()]);
  });

  it('makes the child only when it is first used, and only once', () => {
    const logger = createLogger({ service: 'test', destination: capture().destination });
    const child = jest.spyOn(logger, 'child');
    const lazy = lazyChildLogger(logger, { reqId: 'r-2' });
    expect(child).not.toHaveBeenCalled();
    lazy.info('one');
    lazy.info('two');
    expect(child).toHaveBeenCalledTimes(1);
  });

  it('leaves each request a child logger it makes only when the request logs', () => {
    const logger = createLogger({ service: 'test', destination: capture().destination });
    const child = jest.spyOn(logger, 'child');
    const req = { header: () => 'request-id-1', method: 'POST' } as unknown as Request;
    const res = { setHeader: jest.fn(), on: jest.fn() } as unknown as Response;
    const next = jest.fn() as NextFunction;
    requestContext(logger, createMetrics('lazy-logger-test'))(req, res, next);
    expect(next).toHaveBeenCalled();
    expect(child).not.toHaveBeenCalled();
    expect(req.log.bindings()).toMatchObject({ reqId: 'request-id-1' });
    expect(child).toHaveBeenCalledTimes(1);
  });
});
