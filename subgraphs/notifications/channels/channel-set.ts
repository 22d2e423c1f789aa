import type { ChannelName } from '../vocabulary.js';
import type { Channel } from './channel.js';

/**
 * The channels this instance sends through, by name. Another helper's channel (push, email)
 * is one more entry in the list `createNotificationsSubgraph` passes in; a name with no
 * channel keeps its deliveries queued.
 */
export class ChannelSet {
  private readonly byName = new Map<ChannelName, Channel>();

  constructor(channels: readonly Channel[]) {
    for (const channel of channels) {
      if (this.byName.has(channel.name)) throw new Error(`two channels named ${channel.name}`);
      this.byName.set(channel.name, channel);
    }
  }

  get(name: ChannelName): Channel | undefined {
    return this.byName.get(name);
  }

  /** What the worker claims deliveries for. */
  names(): ChannelName[] {
    return [...this.byName.keys()];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byName.values()].map((c) => c.stop?.()));
  }
}
