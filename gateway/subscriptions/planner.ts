import { buildOperationContext, type ApolloGateway } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';

interface Built {
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
}

export interface PlannedOperation {
  plan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * The supergraph as the query planner sees it, from the static supergraph SDL: the gateway's
 * own (see `sharing`) or built here. Either way the same library and input, hence the same
 * plans as the gateway's for queries.
 */
export class SupergraphPlanner {
  readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new LRUCache<string, PlannedOperation>({ max: 1000 });

  constructor(supergraphSdl: string, built?: Built) {
    if (built) {
      ({ apiSchema: this.apiSchema, apiGraphQLSchema: this.apiGraphQLSchema } = built);
      ({ supergraphSchema: this.supergraphSchema, planner: this.planner } = built);
      return;
    }
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /**
   * The loaded gateway's own supergraph, schemas and planner (built from the same SDL by the
   * same library), so the process holds them once: about 11 MB of heap, and the start-up
   * garbage of a second build. Built afresh if this @apollo/gateway keeps them elsewhere.
   */
  static sharing(gateway: ApolloGateway, supergraphSdl: string): SupergraphPlanner {
    const own = gateway as unknown as { apiSchema?: Schema; schema?: GraphQLSchema; supergraphSchema?: GraphQLSchema };
    const planner = gateway.__testing().queryPlanner;
    if (!own.apiSchema || !own.schema || !own.supergraphSchema || !(planner instanceof QueryPlanner))
      return new SupergraphPlanner(supergraphSdl);
    return new SupergraphPlanner(supergraphSdl, {
      apiSchema: own.apiSchema,
      apiGraphQLSchema: own.schema,
      supergraphSchema: own.supergraphSchema,
      planner,
    });
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
