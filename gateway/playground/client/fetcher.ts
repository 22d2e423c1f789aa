import { createGraphiQLFetcher, type Fetcher, type FetcherParams, type Observable } from '@graphiql/toolkit';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { createClient, type ExecutionResult } from 'graphql-ws';

type Observer = { next: (value: ExecutionResult) => void; error: (error: unknown) => void; complete: () => void };

/**
 * Queries and mutations go over HTTP with the Headers editor's headers. A subscription gets a
 * graphql-ws client of its own whose connectionParams are those same headers, so the token in
 * the editor authorises the socket (the gateway reads `authorization` there, in any case).
 *
 * The toolkit's own graphql-ws path is not used: its client retries a refused socket (4403)
 * with back-off for half a minute before showing anything, and its error path leaves an
 * unhandled rejection behind. Here a refusal shows at once in the result pane.
 */
export function createPlaygroundFetcher(url: string, socketUrl: string): Fetcher {
  const http = createGraphiQLFetcher({ url });
  return (params, options) =>
    isSubscription(options?.documentAST, params.operationName)
      ? subscription(socketUrl, params, options?.headers ?? {})
      : http(params, options);
}

function isSubscription(document: DocumentNode | undefined, operationName: string | null | undefined): boolean {
  const operations = (document?.definitions ?? []).filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return chosen?.operation === 'subscription';
}

function subscription(
  socketUrl: string,
  params: FetcherParams,
  headers: Record<string, unknown>,
): Observable<ExecutionResult> {
  return {
    subscribe(
      nextOrObserver?: Observer | Observer['next'],
      error?: Observer['error'] | null,
      complete?: Observer['complete'],
    ) {
      const observer: Partial<Observer> =
        typeof nextOrObserver === 'function'
          ? { next: nextOrObserver, error: error ?? undefined, complete }
          : (nextOrObserver ?? {});
      const client = createClient({ url: socketUrl, connectionParams: { ...headers }, retryAttempts: 0 });
      const end = () => void client.dispose();
      const unsubscribe = client.subscribe(
        { query: params.query, variables: params.variables, operationName: params.operationName },
        {
          // What arrives is the formatted (wire) result; the toolkit's type names the older shape.
          next: (result) => observer.next?.(result as ExecutionResult),
          error: (reason) => {
            observer.error?.(describe(reason));
            end();
          },
          complete: () => {
            observer.complete?.();
            end();
          },
        },
      );
      return {
        unsubscribe: () => {
          unsubscribe();
          end();
        },
      };
    },
  };
}

/** graphql-ws reports a closed socket as its CloseEvent; GraphiQL shows an Error's message. */
function describe(reason: unknown): unknown {
  if (typeof reason === 'object' && reason !== null && 'code' in reason && 'reason' in reason) {
    return new Error(`Socket closed with event ${String(reason.code)} ${String(reason.reason)}`.trim());
  }
  return reason;
}
