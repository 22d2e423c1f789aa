import type { CommandStartedEvent, Db, Document } from 'mongodb';
import { describeShape, queryShape, servingIndex, type QueryShape } from '../platform/mongo/index-coverage.js';
import type { IndexDeclaration } from '../platform/mongo/indexes.js';

/** One filter (and sort) a store sent: a find, a count, or the filter of an update or delete. */
export interface RecordedQuery {
  collection: string;
  command: string;
  shape: QueryShape;
}

const countOnly = (stage: Document) => '$group' in stage || '$count' in stage || '$skip' in stage || '$limit' in stage;

/** The filters (and sorts) a command applies; empty for commands that filter nothing (inserts, index builds). */
function queriesOf(command: Document): { name: string; collection: string; shape: QueryShape }[] {
  const [name] = Object.keys(command);
  const collection = String(command[name]);
  const one = (filter?: Document, sort?: Document) => [{ name, collection, shape: queryShape(filter, sort) }];
  switch (name) {
    case 'find':
      return one(command.filter, command.sort);
    case 'findAndModify':
      return one(command.query, command.sort);
    case 'distinct':
      return one(command.query);
    case 'count':
      // Without a query, `count` (estimatedDocumentCount) answers from the collection's metadata.
      return command.query && Object.keys(command.query).length > 0 ? one(command.query) : [];
    case 'update':
      return (command.updates as Document[]).map((u) => ({ name, collection, shape: queryShape(u.q) }));
    case 'delete':
      return (command.deletes as Document[]).map((d) => ({ name, collection, shape: queryShape(d.q) }));
    case 'aggregate': {
      const [first, second] = command.pipeline as Document[];
      if (!first?.$match) return one({});
      return one(first.$match, second?.$sort && !countOnly(second) ? second.$sort : undefined);
    }
    default:
      return [];
  }
}

/** Adds every query sent to `database` through its client (which must monitor commands) to `into`. */
export function watchQueries(database: Db, into: RecordedQuery[]): void {
  database.client.on('commandStarted', (event: CommandStartedEvent) => {
    if (event.databaseName !== database.databaseName) return;
    for (const { name, collection, shape } of queriesOf(event.command)) into.push({ collection, command: name, shape });
  });
}

/**
 * Records every query sent through `db()`'s client (the scratch database must monitor commands:
 * `useScratchDatabase(prefix, { monitorCommands: true })`), from the first test of the file on.
 */
export function recordQueries(db: () => Db): { queries(): RecordedQuery[] } {
  const recorded: RecordedQuery[] = [];
  beforeAll(() => watchQueries(db(), recorded));
  return { queries: () => recorded };
}

/** The recorded queries on the declared collections that no declared index serves, described. */
export function unservedQueries(
  queries: readonly RecordedQuery[],
  declared: Readonly<Record<string, readonly IndexDeclaration[]>>,
): string[] {
  const unserved = queries
    .filter((q) => q.collection in declared && !servingIndex(declared[q.collection], q.shape))
    .map((q) => `${q.command} ${q.collection} ${describeShape(q.shape)}`);
  return [...new Set(unserved)];
}

/**
 * The last test of a store's file: every query the file's tests made the store send, on the
 * collections it declares indexes for, is served by one of them. Call it after the other tests.
 */
export function itServesEveryQueryFromAnIndex(
  recorder: { queries(): RecordedQuery[] },
  declared: () => Readonly<Record<string, readonly IndexDeclaration[]>>,
): void {
  it('serves every query it sent from an index it declares', () => {
    const collections = Object.keys(declared());
    const sent = recorder.queries().filter((q) => collections.includes(q.collection));
    // Each declared collection was queried: a check that saw nothing would prove nothing.
    const unqueried = collections.filter((c) => !sent.some((q) => q.collection === c));
    expect({ unserved: unservedQueries(sent, declared()), unqueried }).toEqual({ unserved: [], unqueried: [] });
  });
}
