import { printSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate } from 'graphql';
import { Authorized, Directive, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { pino } from 'pino';
import { buildSubgraphSchema } from './build-subgraph-schema.js';
import { authChecker, type SubgraphContext } from './context.js';

@Directive('@key(fields: "id")')
@ObjectType()
class Widget {
  @Field(() => ID)
  id!: string;
}

@Resolver(() => Widget)
class WidgetResolver {
  @Authorized('ADMIN')
  @Query(() => String)
  secret(): string {
    return 'classified';
  }

  @Query(() => String)
  open(): string {
    return 'hello';
  }
}

const logger = pino({ level: 'silent' });
const run = async (source: string, context: Partial<SubgraphContext>) => {
  const schema = await buildSubgraphSchema(
    { resolvers: [WidgetResolver], orphanedTypes: [Widget], authChecker },
    { Widget: { __resolveReference: (ref: { id: string }) => ({ id: `resolved-${ref.id}` }) } },
  );
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);
  return execute({ schema, document, contextValue: { requestId: 'r', logger, ...context } });
};

describe('buildSubgraphSchema', () => {
  it('keeps @Authorized in force after the federation transform', async () => {
    const anonymous = await run('{ secret }', {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await run('{ secret }', { viewer: { kind: 'user', userId: 'u', roles: ['CUSTOMER'] } });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(customer.data).toBeNull();
    const admin = await run('{ secret open }', { viewer: { kind: 'user', userId: 'u', roles: ['ADMIN'] } });
    expect(admin.errors).toBeUndefined();
    expect(admin.data).toEqual({ secret: 'classified', open: 'hello' });
  });

  it('exposes entities with their keys and resolves references', async () => {
    const result = await run(
      '{ _entities(representations: [{ __typename: "Widget", id: "7" }]) { ... on Widget { id } } }',
      {},
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ _entities: [{ id: 'resolved-7' }] });
    const schema = await buildSubgraphSchema({ resolvers: [WidgetResolver], orphanedTypes: [Widget], authChecker });
    expect(printSubgraphSchema(schema)).toContain('type Widget\n  @key(fields: "id")');
  });
});
