import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { createClient, type Client } from 'graphql-ws';
import { parse } from 'graphql';
import { Arg, Directive, Field, ID, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import WebSocket from 'ws';
import { isStaff } from '../../platform/auth/viewer.js';
import { ForbiddenError } from '../../platform/errors.js';
import { busIterator } from '../../platform/events/bus-iterator.js';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker, type SubgraphContext } from '../../platform/subgraph/context.js';
import { serveSubgraph, type RunningSubgraph } from '../../platform/subgraph/serve-subgraph.js';
import { LoginDocument, RegisterDocument } from '../../test/generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from '../../test/harness.js';
import { startGateway, type RunningGateway } from '../server.js';

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Counts live bus subscriptions, so a test publishes only once the subgraph is listening. */
class CountingBus extends InProcessEventBus {
  readonly live = new Map<string, number>();
  override subscribe<T>(topic: string, handler: (payload: T) => void) {
    this.live.set(topic, (this.live.get(topic) ?? 0) + 1);
    const off = super.subscribe(topic, handler);
    return Object.assign(
      () => {
        this.live.set(topic, this.live.get(topic)! - 1);
        off();
      },
      { ready: off.ready },
    );
  }
}

/** A stand-in event-owning subgraph: ticks for a user, each pointing at the identity `User`. */
const bus = new CountingBus();
const listening = (userId: string, n = 1) => until(() => bus.live.get(`tick.${userId}`) === n);

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User')
class UserRef {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
class Tick {
  @Field(() => Int)
  n!: number;

  @Field(() => String)
  pad!: string;

  @Field(() => UserRef)
  user!: UserRef;
}

interface TickEvent {
  n: number;
  pad?: number;
}

@Resolver()
class TickResolver {
  @Query(() => Int)
  tickCount(): number {
    return 0;
  }

  @Subscription(() => Tick, {
    subscribe: ({ args, context }) => {
      const viewer = (context as SubgraphContext).viewer;
      if (viewer?.kind !== 'user' || (!isStaff(viewer) && viewer.userId !== args.userId))
        throw new ForbiddenError('Not your ticks');
      return busIterator(bus, `tick.${args.userId}`);
    },
  })
  ticks(@Arg('userId', () => ID) userId: string, @Root() event: TickEvent): Tick {
    return { n: event.n, pad: 'x'.repeat(event.pad ?? 0), user: { id: userId } };
  }
}

let t: TestSystem;
let ticker: RunningSubgraph;
let gateway: RunningGateway;
let wsUrl: string;
const clients: Client[] = [];

async function startGatewayWith(maxQueue: string) {
  const schema = await buildSubgraphSchema({ resolvers: [TickResolver], authChecker });
  ticker ??= await serveSubgraph(
    { name: 'ticker', schema },
    { host: '127.0.0.1', port: 0, internalSecret: t.config.INTERNAL_SECRET, logger: t.system.deps.logger },
  );
  const identity = t.system.subgraphs.find((s) => s.name === 'identity')!;
  const composed = composeServices([
    {
      name: 'identity',
      // Identity's SDL as committed (npm run schema:check keeps it in step with the code).
      typeDefs: parse(readFileSync('schema/identity.graphql', 'utf8')),
      url: identity.url,
    },
    { name: 'ticker', typeDefs: parse(printSubgraphSchema(schema)), url: ticker.url },
  ]);
  if (composed.errors) throw composed.errors[0];
  return startGateway({
    config: { ...t.config, SUBSCRIPTION_MAX_QUEUE: Number(maxQueue) },
    logger: t.system.deps.logger,
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { identity: identity.url, ticker: ticker.url },
    port: 0,
    host: '127.0.0.1',
  });
}

function connect(token?: string, onClose?: (code: number) => void): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    on: { closed: (event) => onClose?.((event as { code: number }).code) },
  });
  clients.push(client);
  return client;
}

/** Subscribes and collects results; resolves `ready` once the gateway holds the subscription. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const results: any[] = [];
  let completed = false;
  let error: unknown;
  const stop = client.subscribe(
    { query, variables },
    {
      next: (r) => void results.push(r),
      error: (e) => {
        error = e;
        completed = true;
      },
      complete: () => void (completed = true),
    },
  );
  return {
    results,
    stop,
    get completed() {
      return completed;
    },
    get error() {
      return error;
    },
  };
}

const TICKS = 'subscription ($userId: ID!) { ticks(userId: $userId) { n user { id email } } }';

async function customer(email: string) {
  const { data } = await t.request(RegisterDocument, { input: { email, password: 'a-long-password', name: email } });
  return { id: data!.register.user.id, token: data!.register.accessToken };
}

beforeAll(async () => {
  t = await startTestSystem();
  gateway = await startGatewayWith('10');
  wsUrl = gateway.url.replace('http', 'ws');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gateway.stop();
  await ticker.stop();
  await t.stop();
});

describe('federated subscriptions through the gateway', () => {
  it('delivers each event with fields from another subgraph (the owner email from identity)', async () => {
    const alice = await customer('alice@example.com');
    const sub = collect(connect(alice.token), TICKS, { userId: alice.id });
    await listening(alice.id);
    await bus.publish(`tick.${alice.id}`, { n: 1 });
    await until(() => sub.results.length === 1);
    expect(sub.results[0]).toEqual({ data: { ticks: { n: 1, user: { id: alice.id, email: 'alice@example.com' } } } });
    sub.stop();
    await until(() => gateway.subscriptions.stats.upstreams === 0);
  });

  it("refuses a customer another user's events with FORBIDDEN, and lets staff see them", async () => {
    const bob = await customer('bob@example.com');
    const mallory = await customer('mallory@example.com');
    const denied = collect(connect(mallory.token), TICKS, { userId: bob.id });
    await until(() => denied.completed);
    expect(denied.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(denied.results.every((r) => !r.data)).toBe(true);

    const admin = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
    const staff = collect(connect(admin), TICKS, { userId: bob.id });
    await listening(bob.id);
    await bus.publish(`tick.${bob.id}`, { n: 7 });
    await until(() => staff.results.length === 1);
    expect(staff.results[0].data.ticks.user.email).toBe('bob@example.com');
    staff.stop();
  });

  it('closes a socket that brings no credentials, or bad ones', async () => {
    for (const token of [undefined, 'not-a-jwt']) {
      let code = 0;
      const sub = collect(
        connect(token, (c) => (code = c)),
        TICKS,
        { userId: 'x' },
      );
      await until(() => sub.completed);
      expect(code).toBe(4403);
      expect(sub.results).toEqual([]);
    }
  });

  it('applies the HTTP limits: a subscription too deep is refused with QUERY_TOO_DEEP', async () => {
    const carol = await customer('carol@example.com');
    const deep = `subscription { ticks(userId: "${carol.id}") { user { ${'x { '.repeat(20)}id${' }'.repeat(20)} } } }`;
    const sub = collect(connect(carol.token), deep, {});
    await until(() => sub.completed);
    expect((sub.error as any[]).map((e) => e.extensions?.code)).toContain('QUERY_TOO_DEEP');
    expect(gateway.subscriptions.stats.upstreams).toBe(0);
  });

  it('shares one upstream subscription between identical subscriptions, and drops it after the last leaves', async () => {
    const dave = await customer('dave@example.com');
    const a = collect(connect(dave.token), TICKS, { userId: dave.id });
    const b = collect(connect(dave.token), TICKS, { userId: dave.id });
    await until(() => gateway.subscriptions.stats.subscribers === 2);
    await listening(dave.id);
    expect(gateway.subscriptions.stats).toMatchObject({ upstreams: 1, groups: 1, subscribers: 2 });
    await bus.publish(`tick.${dave.id}`, { n: 3 });
    await until(() => a.results.length === 1 && b.results.length === 1);
    expect(a.results).toEqual(b.results);
    a.stop();
    await until(() => gateway.subscriptions.stats.subscribers === 1);
    expect(gateway.subscriptions.stats.upstreams).toBe(1);
    b.stop();
    await until(() => gateway.subscriptions.stats.upstreams === 0);
  });

  it('keeps a subscriber that stops reading from delaying a fast one, and bounds its queue (10 events)', async () => {
    const erin = await customer('erin@example.com');
    const fast = collect(connect(erin.token), 'subscription ($userId: ID!) { ticks(userId: $userId) { n pad } }', {
      userId: erin.id,
    });

    const slow = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((r) => slow.once('open', r));
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${erin.token}` } }));
    await new Promise((r) => slow.once('message', r));
    slow.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query: 'subscription ($userId: ID!) { ticks(userId: $userId) { n pad } }',
          variables: { userId: erin.id },
        },
      }),
    );
    await until(() => gateway.subscriptions.stats.subscribers === 2);
    await listening(erin.id);
    // Stop reading from the socket: the kernel buffers fill, then the gateway's queue for it.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();

    // Paced by the fast reader, so only the stalled one can fall behind.
    const events = 400;
    for (let n = 1; n <= events; n++) {
      await bus.publish(`tick.${erin.id}`, { n, pad: 64 * 1024 });
      await until(() => fast.results.length === n);
    }
    expect(fast.results.map((r) => r.data.ticks.n)).toEqual(Array.from({ length: events }, (_, i) => i + 1));

    const metrics = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
    const dropped = Number(/gateway_subscription_events_dropped_total\S* (\d+)/.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(events);
    slow.terminate();
    fast.stop();
    await until(() => gateway.subscriptions.stats.upstreams === 0);
  });
});
