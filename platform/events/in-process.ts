import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';

/** The embedded default: one process, no broker. */
export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor(private readonly logger?: Logger) {
    this.emitter.setMaxListeners(0);
  }

  async publish<T>(topic: string, payload: T): Promise<void> {
    this.emitter.emit(topic, payload);
  }

  subscribe<T>(topic: string, handler: (payload: T) => void | Promise<void>): () => void {
    // A failing handler must not stop delivery to the others.
    const listener = (payload: T) => {
      try {
        Promise.resolve(handler(payload)).catch((err) => this.logger?.error({ err, topic }, 'event handler failed'));
      } catch (err) {
        this.logger?.error({ err, topic }, 'event handler failed');
      }
    };
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
