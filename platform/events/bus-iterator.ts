import { BoundedQueue, type BoundedQueueOptions } from '../async/bounded-queue.js';
import type { EventBus } from './bus.js';

/**
 * Turns a bus topic into the AsyncIterator a GraphQL subscription resolver returns, with a
 * bounded queue. The bus subscription ends when the consumer calls `return()`.
 */
export function busIterator<T>(
  bus: EventBus,
  topic: string,
  options: Omit<BoundedQueueOptions, 'onClose'> = {},
): AsyncIterableIterator<T> {
  let unsubscribe = () => {};
  const queue = new BoundedQueue<T>({ ...options, onClose: () => unsubscribe() });
  unsubscribe = bus.subscribe<T>(topic, (event) => queue.push(event));
  return queue;
}
