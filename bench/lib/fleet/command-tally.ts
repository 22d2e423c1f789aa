import type { CommandFailedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/** One kind of statement: a command on one collection. */
export interface CommandFigures {
  /** `<database>.<collection> <command>`, the database without the deployment's prefix. */
  statement: string;
  count: number;
  failed: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
}

/** Commands that are the driver's own housekeeping, not the application's statements. */
const IGNORED = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue']);

/**
 * Times every database command by kind (the driver's command events: from sending it to its
 * answer, so a statement that waits for a lock in the database shows its wait here).
 */
export class CommandTally {
  private readonly figures = new Map<string, Omit<CommandFigures, 'statement' | 'meanMs'>>();

  constructor(client: MongoClient, prefix: string) {
    const record = (event: CommandSucceededEvent | CommandFailedEvent, failed: boolean) => {
      if (IGNORED.has(event.commandName)) return;
      const db = event.databaseName.startsWith(`${prefix}_`)
        ? event.databaseName.slice(prefix.length + 1)
        : event.databaseName;
      const collection = collectionOf.get(event.requestId);
      collectionOf.delete(event.requestId);
      const key = `${db}.${collection ?? '?'} ${event.commandName}`;
      const f = this.figures.get(key) ?? { count: 0, failed: 0, totalMs: 0, maxMs: 0 };
      f.count++;
      if (failed) f.failed++;
      f.totalMs += event.duration;
      f.maxMs = Math.max(f.maxMs, event.duration);
      this.figures.set(key, f);
    };
    // The collection is in the command itself, which only the started event carries.
    const collectionOf = new Map<number, string>();
    client.on('commandStarted', (event) => {
      const target = event.command[event.commandName];
      if (typeof target === 'string') collectionOf.set(event.requestId, target);
    });
    client.on('commandSucceeded', (event) => record(event, false));
    client.on('commandFailed', (event) => record(event, true));
  }

  /** The statements that took the most time in all, most first. */
  top(n: number): CommandFigures[] {
    return [...this.figures]
      .map(([statement, f]) => ({ statement, ...f, meanMs: f.count > 0 ? f.totalMs / f.count : 0 }))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, n);
  }
}
