import type { Logger } from '../logger.js';

/** Calls one live subscriber so that neither a throw nor a rejection reaches the others. */
export function callLiveHandler<T>(
  handler: (payload: T) => void | Promise<void>,
  payload: T,
  topic: string,
  logger?: Logger,
): void {
  try {
    Promise.resolve(handler(payload)).catch((err) => logger?.error({ err, topic }, 'event handler failed'));
  } catch (err) {
    logger?.error({ err, topic }, 'event handler failed');
  }
}
