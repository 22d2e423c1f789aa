import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { encodeViewer, type Viewer } from '../../platform/auth/viewer.js';
import type { InternalConnectionParams } from '../../platform/subgraph/websocket.js';

/**
 * One graphql-ws connection per (subgraph, viewer class), shared by every upstream
 * subscription of that pair, and disposed when the last of them is released.
 */
export class SubgraphClients {
  private readonly clients = new Map<string, { client: Client; users: number }>();

  constructor(
    private readonly subgraphUrls: Record<string, string>,
    private readonly internalSecret: string,
  ) {}

  acquire(service: string, viewerClass: string, viewer: Viewer | undefined): { client: Client; release: () => void } {
    const key = `${service}\n${viewerClass}`;
    let entry = this.clients.get(key);
    if (!entry) {
      const url = this.subgraphUrls[service];
      if (!url) throw new Error(`no URL for subgraph ${service}`);
      const params: InternalConnectionParams = {
        internalSecret: this.internalSecret,
        viewer: viewer ? encodeViewer(viewer) : undefined,
        requestId: `ws-${service}-${Date.now().toString(36)}`,
      };
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: params as unknown as Record<string, unknown>,
        lazy: true,
        lazyCloseTimeout: 1000,
        keepAlive: 10_000,
        retryAttempts: 5,
      });
      entry = { client, users: 0 };
      this.clients.set(key, entry);
    }
    const acquired = entry;
    acquired.users++;
    let released = false;
    return {
      client: acquired.client,
      release: () => {
        if (released) return;
        released = true;
        if (--acquired.users === 0 && this.clients.get(key) === acquired) {
          this.clients.delete(key);
          void acquired.client.dispose();
        }
      },
    };
  }

  get size(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map(({ client }) => client.dispose()));
    this.clients.clear();
  }
}
