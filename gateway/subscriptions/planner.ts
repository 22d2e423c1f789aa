import { buildOperationContext } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';

export interface PlannedOperation {
  plan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * The supergraph as the query planner sees it, built once from the static supergraph SDL.
 * The gateway keeps its own planner private, so subscriptions plan with this one: the same
 * library, the same input, hence the same plans.
 */
export class SupergraphPlanner {
  readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new LRUCache<string, PlannedOperation>({ max: 1000 });

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** `document` must already be validated against `apiGraphQLSchema`. */
  plan(document: DocumentNode, operationName?: string | null): PlannedOperation {
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined });
    const planned = {
      plan: this.planner.buildQueryPlan(operation),
      operationContext: buildOperationContext({
        schema: this.apiGraphQLSchema,
        operationDocument: document,
        operationName: operationName ?? undefined,
      }),
    };
    this.cache.set(key, planned);
    return planned;
  }
}
