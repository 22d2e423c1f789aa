import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, whatever logs them. */
export const REDACTED_PATHS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'deviceToken',
  'apiKey',
  'secret',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.deviceToken',
  '*.apiKey',
  '*.secret',
  'variables.*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-clutch-internal-secret"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-clutch-internal-secret"]',
];

export interface LoggerOptions {
  level?: string;
  service: string;
  destination?: pino.DestinationStream;
}

export function createLogger({ level = 'info', service, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
