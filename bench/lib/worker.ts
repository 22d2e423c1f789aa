import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/*
 * Load generators run in a process of their own, so that they neither compete with the
 * system for its event loop nor show up in the system's memory figures. The parent sends
 * requests over IPC and awaits one answer per request, in order.
 */

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };
type Request = { id: number; body: unknown };

export interface Worker<TRequest> {
  call<TResult>(request: TRequest): Promise<TResult>;
  /** Ends the process (it also ends by itself when this one goes away). */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** For its node (`--cpu-prof`, say). */
  nodeFlags?: readonly string[];
  /** A file descriptor for its stdout and stderr (this process's own by default). */
  output?: number;
}

/** Forks `file` (a TypeScript module under the project root that calls `serveWorker`). */
export function startWorker<TRequest>(file: string, options: WorkerOptions = {}): Worker<TRequest> {
  const output = options.output ?? 'inherit';
  const child: ChildProcess = fork(path.resolve(file), [], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    stdio: ['ignore', output, output, 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`load generator failed: ${reply.message}`));
  });
  child.once('error', failAll);
  child.once('exit', (code, signal) => failAll(new Error(`load generator exited (code ${code}, signal ${signal})`)));
  return {
    call<TResult>(body: TRequest) {
      return new Promise<TResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, body } satisfies Request);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

/** The child's side: answers each request with `handle`'s result, one at a time. */
export function serveWorker<TRequest>(handle: (request: TRequest) => Promise<unknown>): void {
  // The parent going away (Ctrl-C, a crash, `stop`) must not leave a load generator behind.
  process.on('disconnect', () => process.exit(0));
  let queue = Promise.resolve();
  process.on('message', ({ id, body }: Request) => {
    queue = queue.then(() =>
      handle(body as TRequest).then(
        (value) => reply({ id, ok: true, value }),
        (error: unknown) => reply({ id, ok: false, message: error instanceof Error ? error.message : String(error) }),
      ),
    );
  });
}

function reply(message: Reply): Promise<void> {
  return new Promise((resolve) => process.send?.(message, () => resolve()));
}
