import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { ConsumeOptions, EventBus, StreamConsumer, StreamHandler, Unsubscribe } from './bus.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { callLiveHandler } from './live-handler.js';
import { PAYLOAD_FIELD, redisGroupReader } from './redis-group-reader.js';
import { ConsumerRegistry, resolveConsumeOptions, startStreamConsumer } from './stream-consumer.js';

export interface RedisEventBusOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  url: string;
  logger?: Logger;
  /** Prefix of every key and channel, so that several deployments can share one Redis. */
  namespace?: string;
  /** Each stream is trimmed to roughly this many events (XADD MAXLEN ~): size it above the longest backlog a group may have. */
  streamMaxLen?: number;
}

/**
 * Where a Redis URL points, without its credentials or query: safe to log. Throws without
 * echoing the URL, which may hold a password.
 */
export function describeRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('REDIS_URL is not a valid URL (expected redis://[:password@]host[:port][/db])');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error('REDIS_URL must start with redis:// or rediss://');
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${parsed.pathname}`;
}

interface Channel {
  handlers: Set<(payload: unknown) => void>;
  ready: Promise<void>;
}

/**
 * Live topics on Redis pub/sub (one subscriber connection, resubscribed by ioredis after a
 * reconnect; what is published while it is down is missed), durable streams on Redis
 * Streams with consumer groups. See `EventBus` for the semantics. While the connection is down,
 * `publish` and `append` reject at once (see `assertReachable`).
 */
export class RedisEventBus implements EventBus {
  private readonly target: string;
  private readonly namespace: string;
  private readonly streamMaxLen: number;
  private readonly logger?: Logger;
  private readonly commands: Redis;
  private subscriber?: Redis;
  private readonly channels = new Map<string, Channel>();
  private readonly consumers = new ConsumerRegistry();
  private closed = false;
  /** A connection attempt of the commands connection failed, and it is not back yet. */
  private unreachable = false;

  constructor(private readonly options: RedisEventBusOptions) {
    this.target = describeRedisUrl(options.url);
    this.namespace = options.namespace ?? 'clutch';
    this.streamMaxLen = options.streamMaxLen ?? 100_000;
    this.logger = options.logger?.child({ redis: this.target });
    this.commands = this.connect('commands');
    this.commands.on('error', () => (this.unreachable = true));
    this.commands.on('ready', () => (this.unreachable = false));
  }

  async publish<T>(topic: string, payload: T): Promise<void> {
    this.assertOpen();
    this.assertReachable();
    await this.commands.publish(this.key('live', topic), encodeEvent(payload));
  }

  subscribe<T>(topic: string, handler: (payload: T) => void | Promise<void>): Unsubscribe {
    this.assertOpen();
    const name = this.key('live', topic);
    let channel = this.channels.get(name);
    if (!channel) {
      // One SUBSCRIBE per channel however many local handlers: Redis sends each message once.
      channel = {
        handlers: new Set(),
        ready: this.subscriberConnection()
          .subscribe(name)
          .then(() => undefined),
      };
      channel.ready.catch((err) => this.logger?.warn({ err, topic }, 'subscribing failed'));
      this.channels.set(name, channel);
    }
    const current = channel;
    const listener = (payload: unknown) => callLiveHandler(handler, payload as T, topic, this.logger);
    current.handlers.add(listener);
    const unsubscribe = () => {
      if (!current.handlers.delete(listener) || current.handlers.size > 0) return;
      if (this.channels.get(name) === current) this.channels.delete(name);
      this.subscriber?.unsubscribe(name).catch(() => undefined);
    };
    return Object.assign(unsubscribe, { ready: current.ready });
  }

  async append<T>(stream: string, payload: T): Promise<string> {
    this.assertOpen();
    this.assertReachable();
    return this.add(stream, encodeEvent(payload));
  }

  consume<T>(
    stream: string,
    group: string,
    consumer: string,
    handler: StreamHandler<T>,
    options?: ConsumeOptions<T>,
  ): StreamConsumer {
    this.assertOpen();
    const resolved = resolveConsumeOptions(options);
    const reader = redisGroupReader({
      commands: this.commands,
      blocking: this.connect('consumer'),
      key: this.key('stream', stream),
      group,
      consumer,
    });
    const running = startStreamConsumer({
      stream,
      group,
      consumer,
      handler,
      options: resolved,
      reader,
      append: (name, payload) => this.add(name, encodeEvent(payload)),
      logger: this.logger,
    });
    return this.consumers.track(running);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.consumers.stopAll();
    this.channels.clear();
    await Promise.all([this.subscriber, this.commands].map((connection) => connection && hangUp(connection)));
  }

  private async add(stream: string, data: string): Promise<string> {
    const id = await this.commands.xadd(
      this.key('stream', stream),
      'MAXLEN',
      '~',
      this.streamMaxLen,
      '*',
      PAYLOAD_FIELD,
      data,
    );
    return id as string;
  }

  private dispatch(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    let payload: unknown;
    try {
      payload = decodeEvent(message);
    } catch {
      this.logger?.warn({ channel: name }, 'dropped a live event that is not JSON');
      return;
    }
    for (const handler of [...channel.handlers]) handler(payload);
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      this.subscriber = this.connect('subscriber');
      this.subscriber.on('message', (name: string, message: string) => this.dispatch(name, message));
    }
    return this.subscriber;
  }

  private connect(role: 'commands' | 'subscriber' | 'consumer'): Redis {
    const connection = new Redis(this.options.url, { connectionName: `clutch:${role}` });
    // One warning per outage, not one per reconnect attempt.
    let up = true;
    connection.on('ready', () => {
      if (!up) this.logger?.info({ role }, 'redis connection restored');
      up = true;
    });
    connection.on('error', (err: Error) => {
      if (up) this.logger?.warn({ role, error: err.message }, 'redis connection failed; retrying');
      up = false;
    });
    return connection;
  }

  private key(kind: 'live' | 'stream', name: string): string {
    return `${this.namespace}:${kind}:${name}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event bus is closed');
  }

  /**
   * While Redis is down, ioredis would hold a command in its offline queue until it has tried
   * to reconnect 20 times (10 to 40 s), and the request producing the event with it. Producers
   * cope with a refusal at once instead (live events may be missed; durable ones go to a
   * StreamOutbox). Until a connection attempt has failed, commands still wait in the queue: the
   * first connection, and a reconnection after a mere drop, take milliseconds.
   */
  private assertReachable(): void {
    if (this.unreachable) throw new Error('the event bus is unreachable: the redis connection is down');
  }
}

/** QUIT lets queued replies arrive; a connection that is not up has nothing to wait for. */
async function hangUp(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  await connection.quit().catch(() => connection.disconnect());
}
