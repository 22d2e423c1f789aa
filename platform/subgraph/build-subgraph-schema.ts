import { buildSubgraphSchema as buildApolloSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';

/**
 * type-graphql wants a PubSub for any schema with subscriptions; ours always pass their own
 * `subscribe` (an event-bus iterator), so this one only says so if it is ever reached.
 */
const noTopicPubSub = {
  publish: () => undefined,
  subscribe: (): never => {
    throw new Error('Subscriptions here must pass `subscribe` (see platform/events/bus-iterator.ts), not `topics`');
  },
};

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@interfaceObject"])';

/** Resolver class → its constructed instance, handed to type-graphql as the container. */
export type ResolverInstances = Map<unknown, object>;

/** `__resolveReference` and friends, keyed by entity type name. */
export type ReferenceResolvers = Record<
  string,
  { __resolveReference: (reference: any, context: any, info: any) => unknown }
>;

/**
 * Turns a type-graphql schema into a federation 2 subgraph schema. Resolvers are taken
 * from the built type-graphql schema, so middlewares such as `@Authorized` stay in force.
 */
export async function buildSubgraphSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<GraphQLSchema> {
  await checkContainerServes(options);
  const schema = await buildSchema({
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    pubSub: noTopicPubSub,
    ...options,
    skipCheck: true,
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as Record<string, object>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  return buildApolloSubgraphSchema({ typeDefs, resolvers: resolvers as never });
}

/**
 * Every resolver class in the schema must have an instance in the container, or the first
 * call to one of its fields fails; building the schema (at start-up) fails instead, naming it.
 */
async function checkContainerServes({ resolvers, container }: Pick<BuildSchemaOptions, 'resolvers' | 'container'>) {
  if (!container || typeof container !== 'object') return;
  for (const resolver of resolvers) {
    if (typeof resolver !== 'function') continue;
    if ((await container.get(resolver, undefined as never)) == null) {
      throw new Error(`${resolver.name} is in the schema but has no instance: register it with its dependencies`);
    }
  }
}
