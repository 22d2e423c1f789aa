/**
 * The event bus every subgraph publishes to. Live fan-out (`subscribe`) is at-most-once:
 * a subscriber that is gone when an event is published does not get it.
 */
export interface EventBus {
  publish<T>(topic: string, payload: T): Promise<void>;
  /** Returns the function that ends the subscription. */
  subscribe<T>(topic: string, handler: (payload: T) => void | Promise<void>): () => void;
  close(): Promise<void>;
}
