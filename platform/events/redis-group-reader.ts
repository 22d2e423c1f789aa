import type { Redis } from 'ioredis';
import type { GroupReader, StoredEvent } from './stream-consumer.js';

/** The one field each stream entry carries. */
export const PAYLOAD_FIELD = 'payload';

type RawEntry = [id: string, fields: string[]];

function toStored([id, fields]: RawEntry, deliveryCount: number): StoredEvent {
  let data = '';
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === PAYLOAD_FIELD) data = fields[i + 1];
  // An entry someone else wrote without our field fails to decode and is dead-lettered.
  return { id, data, deliveryCount };
}

const isNoGroup = (err: unknown) => err instanceof Error && err.message.startsWith('NOGROUP');

interface RedisGroupReaderSetup {
  /** Shared by the bus: acks, claims and group admin never block. */
  commands: Redis;
  /** This consumer's own: XREADGROUP BLOCK holds the connection while it waits. */
  blocking: Redis;
  key: string;
  group: string;
  consumer: string;
}

export function redisGroupReader({ commands, blocking, key, group, consumer }: RedisGroupReaderSetup): GroupReader {
  // XAUTOCLAIM scans the pending list a slice at a time; this is where the next scan starts.
  let claimCursor = '0-0';

  async function ensureGroup(from: 'start' | 'end'): Promise<void> {
    try {
      await commands.xgroup('CREATE', key, group, from === 'start' ? '0' : '$', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  /** A stream deleted under us (DEL, FLUSHDB) takes its groups with it: recreate, carry on. */
  async function inGroup(read: () => Promise<StoredEvent[]>): Promise<StoredEvent[]> {
    try {
      return await read();
    } catch (err) {
      if (!isNoGroup(err)) throw err;
      await ensureGroup('start');
      return [];
    }
  }

  return {
    ensureGroup,
    claimIdle: (minIdleMs, count) =>
      inGroup(async () => {
        const [next, entries] = (await commands.call('XAUTOCLAIM', [
          key,
          group,
          consumer,
          minIdleMs,
          claimCursor,
          'COUNT',
          count,
        ])) as [string, (RawEntry | null)[]];
        claimCursor = next;
        const claimed = entries.filter((e): e is RawEntry => e !== null);
        if (claimed.length === 0) return [];
        // XAUTOCLAIM does not say how often each event was delivered; XPENDING does.
        const pipeline = commands.pipeline();
        for (const [id] of claimed) pipeline.xpending(key, group, id, id, 1);
        const counts = ((await pipeline.exec()) ?? []).map(
          ([, reply]) => (reply as [string, string, number, number][] | null)?.[0]?.[3] ?? 1,
        );
        return claimed.map((entry, i) => toStored(entry, counts[i]));
      }),
    readNew: (count, blockMs) =>
      inGroup(async () => {
        const reply = (await blocking.call('XREADGROUP', [
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          key,
          '>',
        ])) as [string, RawEntry[]][] | null;
        return (reply?.[0]?.[1] ?? []).map((entry) => toStored(entry, 1));
      }),
    async ack(ids) {
      await commands.xack(key, group, ...ids);
    },
    interrupt() {
      // Ends a waiting XREADGROUP at once; anything it had just been given stays pending.
      blocking.disconnect();
    },
  };
}
