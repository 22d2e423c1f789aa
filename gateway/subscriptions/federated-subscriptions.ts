import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';

import { print, type DocumentNode, type FormattedExecutionResult } from 'graphql';
import { BoundedQueue } from '../../platform/async/bounded-queue.js';
import { BadUserInputError, ErrorCode, maskError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { GatewayContext } from '../context.js';
import type { SupergraphPlanner, PlannedOperation } from './planner.js';
import type { SubgraphClients } from './subgraph-clients.js';
import { viewerClass } from './viewer-class.js';

export type EventResult = FormattedExecutionResult;

export interface SubscriptionHooks {
  onDrop?: () => void;
  onDelivered?: (count: number) => void;
}

export interface FederatedSubscriptionOptions {
  planner: SupergraphPlanner;
  /** The gateway's data sources, to fetch what the owning subgraph does not provide. */
  dataSources: ServiceMap;
  clients: SubgraphClients;
  logger: Logger;
  /** Events held per subscriber that is not reading (default 100); older ones are dropped. */
  maxQueuePerSubscriber?: number;
  hooks?: SubscriptionHooks;
}

export interface SubscribeArgs {
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  context: GatewayContext;
}

/** Subscribers with the same operation and variables: `rest` runs once per event for all. */
interface Group {
  key: string;
  args: SubscribeArgs;
  planned: PlannedOperation;
  subscribers: Set<BoundedQueue<EventResult>>;
  /** Delivers events in arrival order while their completions run concurrently. */
  chain: Promise<void>;
  /** Completions started and not yet delivered. */
  inFlight: number;
}

/** One subscription to the owning subgraph, shared by every group of one viewer class. */
interface Upstream {
  key: string;
  groups: Map<string, Group>;
  stop: () => void;
}

/** Completions (fetches to other subgraphs) one group may run at once. */
const MAX_COMPLETIONS_IN_FLIGHT = 32;

const pick = (variables: Record<string, unknown>, names: readonly string[] = []) =>
  Object.fromEntries(names.filter((n) => n in variables).map((n) => [n, variables[n]]));

const upstreamLost = (): EventResult => ({
  errors: [
    { message: 'The live data source went away; subscribe again', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } },
  ],
});

/**
 * Runs subscriptions across the federation: the plan's primary fetch becomes a graphql-ws
 * subscription to the owning subgraph, and each event is completed through the plan's `rest`
 * with `executeQueryPlan`, the primary fetch being answered in process with the event itself.
 */
export class FederatedSubscriptions {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(private readonly options: FederatedSubscriptionOptions) {}

  get stats() {
    let groups = 0;
    let subscribers = 0;
    for (const upstream of this.upstreams.values()) {
      groups += upstream.groups.size;
      for (const group of upstream.groups.values()) subscribers += group.subscribers.size;
    }
    return { upstreams: this.upstreams.size, groups, subscribers };
  }

  subscribe(args: SubscribeArgs): AsyncIterableIterator<EventResult> {
    const planned = this.options.planner.plan(args.document, args.operationName);
    const node = planned.plan.node;
    if (node?.kind !== 'Subscription') throw new BadUserInputError('Only subscriptions can be subscribed to');
    const vclass = viewerClass(args.context.viewer);
    const primary = node.primary;
    const upstreamKey = JSON.stringify([
      vclass,
      primary.serviceName,
      primary.operation,
      pick(args.variables, primary.variableUsages),
    ]);
    const upstream = this.upstreams.get(upstreamKey) ?? this.open(upstreamKey, vclass, primary, args);
    const groupKey = JSON.stringify([print(args.document), args.operationName ?? null, args.variables]);
    let group = upstream.groups.get(groupKey);
    if (!group) {
      group = { key: groupKey, args, planned, subscribers: new Set(), chain: Promise.resolve(), inFlight: 0 };
      upstream.groups.set(groupKey, group);
    }
    const joined = group;
    const queue: BoundedQueue<EventResult> = new BoundedQueue({
      maxQueue: this.options.maxQueuePerSubscriber ?? 100,
      onDrop: () => this.options.hooks?.onDrop?.(),
      onClose: () => this.leave(upstream, joined, queue),
    });
    joined.subscribers.add(queue);
    return queue;
  }

  async close(): Promise<void> {
    for (const upstream of [...this.upstreams.values()]) {
      for (const group of upstream.groups.values()) for (const q of group.subscribers) q.end();
      upstream.stop();
    }
    this.upstreams.clear();
  }

  private open(key: string, vclass: string, primary: FetchNode, args: SubscribeArgs): Upstream {
    const { client, release } = this.options.clients.acquire(primary.serviceName, vclass, args.context.viewer);
    const upstream: Upstream = { key, groups: new Map(), stop: () => undefined };
    this.upstreams.set(key, upstream);
    const endAll = (final?: EventResult) => {
      for (const group of upstream.groups.values()) {
        for (const q of group.subscribers) {
          if (final) q.push(final);
          q.end();
        }
      }
    };
    const unsubscribe = client.subscribe<Record<string, unknown>>(
      {
        query: primary.operation,
        variables: pick(args.variables, primary.variableUsages),
        operationName: primary.operationName,
      },
      {
        next: (event) => this.dispatch(upstream, primary, event as FormattedExecutionResult<Record<string, unknown>>),
        error: (error) => {
          this.options.logger.warn({ err: error, upstream: primary.serviceName }, 'upstream subscription failed');
          endAll(Array.isArray(error) ? { errors: error } : upstreamLost());
        },
        complete: () => endAll(),
      },
    );
    upstream.stop = () => {
      unsubscribe();
      release();
    };
    return upstream;
  }

  private leave(upstream: Upstream, group: Group, queue: BoundedQueue<EventResult>): void {
    group.subscribers.delete(queue);
    if (group.subscribers.size > 0) return;
    upstream.groups.delete(group.key);
    if (upstream.groups.size > 0 || this.upstreams.get(upstream.key) !== upstream) return;
    this.upstreams.delete(upstream.key);
    upstream.stop();
  }

  private dispatch(
    upstream: Upstream,
    primary: FetchNode,
    event: FormattedExecutionResult<Record<string, unknown>>,
  ): void {
    for (const group of upstream.groups.values()) {
      // A group whose completions cannot keep up sheds events here, as a full queue would,
      // instead of letting one slow completion hold back every later event.
      if (group.inFlight >= MAX_COMPLETIONS_IN_FLIGHT) {
        for (let i = 0; i < group.subscribers.size; i++) this.options.hooks?.onDrop?.();
        continue;
      }
      group.inFlight++;
      const completed = event.data ? this.complete(group, primary, event) : Promise.resolve({ errors: event.errors });
      // Handled below, in order; this only keeps an early failure from counting as unhandled.
      completed.catch(() => undefined);
      group.chain = group.chain
        .then(() => completed)
        .then((result) => {
          for (const q of group.subscribers) q.push(result);
          this.options.hooks?.onDelivered?.(group.subscribers.size);
        })
        .catch((error) => {
          this.options.logger.error({ err: error }, 'could not complete a subscription event');
        })
        .finally(() => {
          group.inFlight--;
        });
    }
  }

  /** Completes one event through the plan's `rest` (fields from other subgraphs). */
  private async complete(
    group: Group,
    primary: FetchNode,
    event: FormattedExecutionResult<Record<string, unknown>>,
  ): Promise<EventResult> {
    const node = group.planned.plan.node as { rest?: PlanNode };
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: node.rest ? { kind: 'Sequence', nodes: [primary, node.rest] } : primary,
    };
    const owner = this.options.dataSources[primary.serviceName]!;
    const answeredWithEvent: GraphQLDataSource = {
      process: (request) =>
        request.request.query === primary.operation
          ? Promise.resolve({ data: event.data, errors: event.errors as never })
          : owner.process(request),
    };
    const { args } = group;
    const result = await executeQueryPlan(
      plan,
      { ...this.options.dataSources, [primary.serviceName]: answeredWithEvent },
      {
        request: {
          query: print(args.document),
          variables: args.variables,
          operationName: args.operationName ?? undefined,
        },
        context: args.context,
        logger: this.options.logger,
        metrics: {},
        cache: undefined,
        overallCachePolicy: undefined,
      } as never,
      group.planned.operationContext,
      this.options.planner.supergraphSchema,
      this.options.planner.apiSchema,
    );
    return {
      data: result.data ?? null,
      ...(result.errors?.length
        ? {
            errors: result.errors.map((e) =>
              maskError(e.toJSON(), e, (cause) =>
                this.options.logger.error({ err: cause }, 'subscription event error'),
              ),
            ),
          }
        : {}),
    };
  }
}
