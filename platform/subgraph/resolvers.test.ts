import { execute, parse } from 'graphql';
import { Query, Resolver } from 'type-graphql';
import { buildSubgraphSchema } from './build-subgraph-schema.js';
import { instantiateResolvers, resolverOptions, resolverRegistry } from './resolvers.js';

class Greeter {
  constructor(private readonly greeting: string) {}
  greet() {
    return this.greeting;
  }
}

@Resolver()
class GreetingResolver {
  constructor(
    private readonly greeter: Greeter,
    private readonly punctuation: string,
  ) {}

  @Query(() => String)
  greeting(): string {
    return `${this.greeter.greet()}${this.punctuation}`;
  }
}

@Resolver()
class PingResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }
}

interface Deps {
  greeter: Greeter;
  punctuation: string;
}
const resolver = resolverRegistry<Deps>();
const REGISTRATIONS = [resolver(GreetingResolver, 'greeter', 'punctuation'), resolver(PingResolver)];
const DEPS: Deps = { greeter: new Greeter('hello'), punctuation: '!' };

describe('resolvers registered once', () => {
  it('builds the schema from the registrations, each resolver constructed from its named dependencies', async () => {
    const schema = await buildSubgraphSchema(resolverOptions(REGISTRATIONS, DEPS));
    const result = await execute({ schema, document: parse('{ greeting ping }') });
    expect(result).toEqual({ data: { greeting: 'hello!', ping: 'pong' } });
  });

  it('fails at start-up when a dependency is missing, naming the resolver and the dependency', async () => {
    const withoutGreeter = { punctuation: '!' } as unknown as Deps;
    expect(() => instantiateResolvers(REGISTRATIONS, withoutGreeter)).toThrow(
      'GreetingResolver needs the dependency "greeter", which was not supplied',
    );
    expect(() => resolverOptions(REGISTRATIONS, { ...DEPS, punctuation: undefined as unknown as string })).toThrow(
      'GreetingResolver needs the dependency "punctuation"',
    );
  });

  it('fails at start-up when a resolver class in the schema has no instance, naming it', async () => {
    // The hand-written way: the schema lists a class the container was never given.
    const instances = new Map<unknown, object>([[GreetingResolver, new GreetingResolver(DEPS.greeter, '.')]]);
    await expect(
      buildSubgraphSchema({
        resolvers: [GreetingResolver, PingResolver],
        container: { get: (cls) => instances.get(cls) },
      }),
    ).rejects.toThrow('PingResolver is in the schema but has no instance');
  });

  it('checks the names against the constructor, in order (typecheck)', () => {
    // @ts-expect-error: "punctuation" is a string where a Greeter is expected
    resolver(GreetingResolver, 'punctuation', 'greeter');
    // @ts-expect-error: GreetingResolver takes two dependencies
    resolver(GreetingResolver, 'greeter');
    expect(resolver(PingResolver).needs).toEqual([]);
  });

  it('builds a schema for printing without any dependencies', async () => {
    const schema = await buildSubgraphSchema(resolverOptions(REGISTRATIONS));
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['greeting', 'ping']));
  });
});
