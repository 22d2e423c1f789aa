import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ForbiddenError } from '../../platform/errors.js';
import type { GatewayContext } from '../context.js';
import { persistedQueryError, type PersistedOperation } from './apq.js';
import { operationHash } from './canonical.js';

/** Written by `npm run codegen` (scripts/codegen-persisted-manifest.cjs); codegen:check keeps it in step. */
export const MANIFEST_PATH = path.resolve('gateway/persisted/manifest.json');

export type Manifest = Record<string, string>;

export const loadManifest = (file = MANIFEST_PATH): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/**
 * A request that names a registered operation by its hash alone gets its text from the
 * manifest, before Apollo's APQ lookup (which would otherwise answer PERSISTED_QUERY_NOT_FOUND
 * until the client had sent it once). The hash Apollo then checks is the manifest's own.
 * A text sent with a hash that is not its sha256 (or an unknown APQ version) is refused here,
 * 400 BAD_REQUEST, before anything runs: Apollo's own refusal has no code and would be masked.
 */
export function registeredOperations(manifest: Manifest): RequestHandler {
  return (req, res, next) => {
    const body = req.body as PersistedOperation | PersistedOperation[] | undefined;
    for (const operation of Array.isArray(body) ? body : [body]) {
      const error = persistedQueryError(operation);
      if (error) {
        res.locals.refusalCode = error.extensions.code;
        res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
        return;
      }
      const hash = operation?.extensions?.persistedQuery?.sha256Hash;
      if (typeof hash === 'string' && operation!.query === undefined && Object.hasOwn(manifest, hash))
        operation!.query = manifest[hash];
    }
    next();
  };
}

export interface AllowListOptions {
  manifest: Manifest;
  /** Documents already judged, by Apollo's hash of their text (default 5,000). */
  cacheSize?: number;
}

/**
 * GRAPHQL_PERSISTED_ONLY: only operations in the manifest run, over HTTP and over the
 * WebSocket alike (its queries and mutations run through this server too). The verdict per
 * document text is cached, so the check costs a lookup on the hot path.
 */
export class AllowList {
  private readonly allowed: Set<string>;
  readonly verdicts: LRUCache<string, boolean>;

  constructor(options: AllowListOptions) {
    this.allowed = new Set(Object.keys(options.manifest));
    this.verdicts = new LRUCache({ max: options.cacheSize ?? 5_000 });
  }

  permits(queryHash: string, document: DocumentNode, operation: OperationDefinitionNode): boolean {
    let verdict = this.verdicts.get(`${queryHash}:${operation.name?.value ?? ''}`);
    if (verdict === undefined) {
      verdict = this.allowed.has(operationHash(document, operation));
      this.verdicts.set(`${queryHash}:${operation.name?.value ?? ''}`, verdict);
    }
    return verdict;
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ queryHash, document, operation }) => {
          if (operation && this.permits(queryHash, document, operation)) return;
          const refusal = new ForbiddenError('Only registered operations are accepted here');
          throw new GraphQLError(refusal.message, {
            originalError: refusal,
            extensions: { ...refusal.extensions, reason: 'PERSISTED_QUERY_NOT_ALLOWED', http: { status: 403 } },
          });
        },
      }),
    };
  }
}
