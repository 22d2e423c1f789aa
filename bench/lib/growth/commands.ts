import type { CommandStartedEvent, CommandSucceededEvent, Document, MongoClient } from 'mongodb';
import { describeShape, queryShape } from '../../../platform/mongo/index-coverage.js';

/*
 * The database commands a request sends, with their durations, from the driver's command
 * events (the bench system's client monitors commands). Requests are sent one at a time, so
 * what runs meanwhile is theirs, apart from background jobs' few quick commands.
 */

export interface SentCommand {
  database: string;
  collection: string;
  name: string;
  /** Fields and sort only, no values: `{"equality":["ownerId"],"range":[],"sort":{"_id":-1}}`. */
  shape: string;
  limit?: number;
  ms: number;
  /** The command as sent (minus session fields), to explain it again. */
  command: Document;
}

const READS = new Set(['find', 'aggregate', 'count', 'distinct', 'getMore']);

function filterAndSort(command: Document): { filter?: Document; sort?: Document } {
  switch (Object.keys(command)[0]) {
    case 'find':
      return { filter: command.filter, sort: command.sort };
    case 'count':
    case 'distinct':
      return { filter: command.query };
    case 'aggregate': {
      const [first, second] = (command.pipeline ?? []) as Document[];
      return { filter: first?.$match ?? {}, sort: second?.$sort };
    }
    default:
      return {};
  }
}

export class CommandRecorder {
  private readonly started = new Map<number, CommandStartedEvent>();
  private recording: SentCommand[] | null = null;

  constructor(client: MongoClient) {
    client.on('commandStarted', (e: CommandStartedEvent) => {
      if (this.recording && READS.has(e.commandName)) this.started.set(e.requestId, e);
    });
    client.on('commandSucceeded', (e: CommandSucceededEvent) => {
      const start = this.started.get(e.requestId);
      this.started.delete(e.requestId);
      if (!start || !this.recording) return;
      const { lsid: _l, $db: _d, $clusterTime: _c, ...command } = start.command as Document;
      const { filter, sort } = filterAndSort(command);
      this.recording.push({
        database: start.databaseName,
        collection: String(command[start.commandName]),
        name: start.commandName,
        shape: describeShape(queryShape(filter, sort)),
        limit: typeof command.limit === 'number' ? command.limit : undefined,
        ms: e.duration,
        command,
      });
    });
  }

  /** The reads sent while `work` ran, slowest first. */
  async during(work: () => Promise<void>): Promise<SentCommand[]> {
    const sent: SentCommand[] = [];
    this.recording = sent;
    try {
      await work();
    } finally {
      this.recording = null;
    }
    return sent.sort((a, b) => b.ms - a.ms);
  }
}
