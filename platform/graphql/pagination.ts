import { ObjectId, type Filter, type Document, type Collection, type WithId } from 'mongodb';
import { ArgsType, ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { BadUserInputError } from '../errors.js';
import { countMatching } from '../mongo/count.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string;
}

@Directive('@shareable')
@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** A lazy connection (`connectionOf`) counts only when this is read: when a client selects it. */
  totalCount: number | Promise<number>;
}

/**
 * A connection whose `totalCount` is counted the first time it is read, not before: GraphQL reads
 * only the fields a client selects, so a page asked for without its total costs no count (a
 * count reads every matching index entry, a page only its own).
 */
export function connectionOf<T>(
  edges: Connection<T>['edges'],
  pageInfo: PageInfo,
  count: () => Promise<number>,
): Connection<T> {
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo,
    get totalCount() {
      return (counted ??= count());
    },
  };
}

/** The same page with its nodes mapped, its count still lazy. */
export function mapNodes<A, B>(connection: Connection<A>, map: (node: A) => B): Connection<B> {
  return {
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })),
    pageInfo: connection.pageInfo,
    get totalCount() {
      return connection.totalCount;
    },
  };
}

/** A Relay-style connection type for `Node`, named `<Node>Connection`. */
export function ConnectionType<T extends object>(Node: ClassType<T>, name = Node.name) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => Node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionClass;
}

export function pageSize(first: number | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

const encodeCursor = (id: ObjectId) => Buffer.from(id.toHexString()).toString('base64url');

export function decodeCursor(cursor: string): ObjectId {
  const hex = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{24}$/.test(hex)) throw new BadUserInputError('after is not a valid cursor', 'after');
  return new ObjectId(hex);
}

/**
 * `filter` and `_id < cursor`: one plain filter, which a database can serve from one compound
 * index like any other, unless the filter bounds `_id` itself.
 */
function afterCursor<TDoc extends Document & { _id: ObjectId }>(filter: Filter<TDoc>, cursor: ObjectId): Filter<TDoc> {
  const bound = { _id: { $lt: cursor } };
  return ('_id' in filter ? { $and: [filter, bound] } : { ...filter, ...bound }) as Filter<TDoc>;
}

/**
 * Newest-first pagination over `_id` (ObjectIds grow with time), so cursors stay valid while
 * documents are added. `filter` must come from a store, never from client input.
 */
export async function paginate<TDoc extends Document & { _id: ObjectId }, TNode>(
  collection: Collection<TDoc>,
  filter: Filter<TDoc>,
  args: PageArgs,
  toNode: (doc: WithId<TDoc>) => TNode,
): Promise<Connection<TNode>> {
  const limit = pageSize(args.first);
  const page = args.after ? afterCursor(filter, decodeCursor(args.after)) : filter;
  const docs = await collection
    .find(page)
    .sort({ _id: -1 })
    .limit(limit + 1)
    .toArray();
  const hasNextPage = docs.length > limit;
  const edges = docs.slice(0, limit).map((doc) => ({ cursor: encodeCursor(doc._id), node: toNode(doc) }));
  return connectionOf(edges, { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, () =>
    countMatching(collection, filter),
  );
}
