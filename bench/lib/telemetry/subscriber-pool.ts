import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveMeter, type Tracked } from './live-meter.js';
import type { SubscribeResult, SubscribeSettings, SubscriberGroup } from './messages.js';

/** Handshakes in flight at once: a thousand at a time would overflow the listen backlog. */
const CONNECT_WINDOW = 50;
const CONNECT_TIMEOUT_MS = 15_000;
const MAX_SAMPLES = 3;

interface Subscriber extends Tracked {
  client: Client;
  /** Set when the subscription ended or failed before being told to. */
  ended?: string;
}

/**
 * graphql-ws clients, one socket each, as many browsers or dashboards would open them. The
 * sink takes the receipt time before anything else, so the figure is what a subscriber sees.
 */
export class SubscriberPool {
  readonly meter = new LiveMeter();
  private subscribers: Subscriber[] = [];

  get all(): readonly Subscriber[] {
    return this.subscribers;
  }

  async connect(settings: SubscribeSettings): Promise<SubscribeResult> {
    this.meter.reset();
    const started = performance.now();
    const plan = settings.groups.flatMap((group) => Array.from({ length: group.count }, () => group));
    const failures: string[] = [];
    for (let i = 0; i < plan.length; i += CONNECT_WINDOW) {
      const window = plan.slice(i, i + CONNECT_WINDOW).map((group) => this.open(settings.url, group));
      for (const outcome of await Promise.allSettled(window)) {
        if (outcome.status === 'rejected') failures.push(String(outcome.reason));
      }
    }
    return {
      connected: plan.length - failures.length,
      failed: failures.length,
      connectSeconds: (performance.now() - started) / 1000,
      failureSamples: failures.slice(0, MAX_SAMPLES),
    };
  }

  /** Subscribers whose subscription ended on its own (errors, closed sockets), with why. */
  ended(): string[] {
    return this.subscribers.flatMap((s) => (s.ended ? [s.ended] : []));
  }

  async disconnect(): Promise<number> {
    const closing = this.subscribers;
    this.subscribers = [];
    await Promise.all(closing.map((s) => s.client.dispose()));
    return closing.length;
  }

  private open(url: string, group: SubscriberGroup): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let connected = false;
      const fail = (why: string) => {
        subscriber.ended ??= why;
        if (!connected) reject(new Error(`${group.label}: ${why}`));
      };
      const timer = setTimeout(() => fail('no connection_ack in time'), CONNECT_TIMEOUT_MS);
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        connectionParams: group.connectionParams,
        retryAttempts: 0,
        on: {
          connected: () => {
            connected = true;
            clearTimeout(timer);
            resolve();
          },
          closed: (event) => {
            clearTimeout(timer);
            fail(`socket closed (${(event as { code?: number }).code ?? '?'})`);
          },
        },
      });
      const subscriber: Subscriber = { client, federated: group.federated, live: false };
      this.subscribers.push(subscriber);
      client.subscribe(
        { query: group.query, variables: group.variables },
        {
          next: (result) => this.meter.onEvent(subscriber, result as never, performance.now()),
          error: (error) => fail(`subscription error: ${JSON.stringify(error).slice(0, 300)}`),
          complete: () => fail('subscription completed'),
        },
      );
    });
  }
}
