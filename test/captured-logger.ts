import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../platform/logger.js';

/** A real logger whose lines (JSON, one per entry) land in `lines`, for tests that check what gets logged. */
export function capturedLogger(level = 'debug'): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level, service: 'test', destination }) };
}
