import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Viewer } from '../../platform/auth/viewer.js';
import { BadUserInputError, ClutchError, ForbiddenError, RateLimitedError, maskError } from '../../platform/errors.js';
import { closeWebSocketServer, errorMaskingHooks } from '../../platform/http/graphql-ws.js';
import type { Logger } from '../../platform/logger.js';
import { withoutEchoedCredentials, type SocketAuth } from '../auth/socket-auth.js';
import { credentialsFromHeaders } from '../auth/authenticate.js';
import type { GatewayContext } from '../context.js';
import { assertIntrospectionAllowed } from '../introspection.js';
import type { AllowList, Manifest } from '../persisted/allow-list.js';
import { hashOnlySubscribe, operationText, registerOperation, type ApqCache } from '../persisted/apq.js';
import { sha256 } from '../persisted/canonical.js';
import { assertTokenLimit, operationLimitRules, type OperationLimits } from '../limits/operation-limits.js';
import type { RateLimits } from '../rate-limits/rate-limits.js';
import { chargeSubscriptionStart } from '../rate-limits/websocket.js';
import type { FederatedSubscriptions } from './federated-subscriptions.js';
import type { SocketLimits } from './socket-limits.js';
import type { SupergraphPlanner } from './planner.js';

export interface GatewaySubscriptionOptions {
  planner: SupergraphPlanner;
  subscriptions: FederatedSubscriptions;
  /** Keeps each socket's credentials valid while it lives: per operation, on expiry, on revocation. */
  socketAuth: SocketAuth;
  /** Queries and mutations sent over the socket run through the HTTP pipeline's server. */
  apollo: ApolloServer<GatewayContext>;
  limits: OperationLimits & { bodyLimitBytes: number };
  rateLimits: RateLimits;
  introspectionOpenToAll: boolean;
  /** Production: no "Did you mean" in errors (they would reveal the schema). */
  hideSuggestions?: boolean;
  logger: Logger;
  keepAliveMs?: number;
  /** Caps on sockets and live subscriptions (socket-limits.ts). */
  socketLimits: SocketLimits;
  /** GRAPHQL_PERSISTED_ONLY: subscriptions too must be registered operations (queries and mutations meet it in `apollo`). */
  allowList?: AllowList;
  /** Operations sent by hash alone resolve from the manifest, then from Apollo's APQ cache (as over HTTP). */
  persisted: { manifest: Manifest; cache: ApqCache };
}

type Extra = { viewer?: Viewer };

const withCode = (error: GraphQLError, code: string) =>
  error instanceof ClutchError || error.extensions?.code
    ? error
    : new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        extensions: { code },
      });

/** Credentials from `connectionParams`, under the names HTTP clients use for headers. */
function credentialsFromParams(params: Record<string, unknown> | undefined) {
  const lower = Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const headers = (typeof lower.headers === 'object' && lower.headers) || {};
  return credentialsFromHeaders({
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    ...lower,
  });
}

/**
 * graphql-ws at the gateway's /graphql. A connection must authenticate in `connection_init`
 * (same credentials as HTTP); every operation meets the same limits and rules as over HTTP.
 */
export function serveGatewaySubscriptions(server: Server, options: GatewaySubscriptionOptions) {
  const { planner, limits, logger } = options;
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: limits.bodyLimitBytes });
  const rules = [...specifiedRules, ...operationLimitRules(limits)];
  const rawVariables = new WeakMap<DocumentNode, Record<string, unknown>>();
  // Registered before graphql-ws's own listener, so a socket over a cap is closed before it is served.
  wss.on('connection', (socket, request) => options.socketLimits.opened(socket, request));

  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      onConnect: async (ctx) => {
        try {
          const credentials = credentialsFromParams(ctx.connectionParams);
          const viewer = await options.rateLimits.authFailures.guard(
            credentials,
            ctx.extra.request.socket.remoteAddress,
            () => options.socketAuth.open(ctx, ctx.extra.socket, credentials),
          );
          if (!viewer) return false;
          ctx.extra.viewer = viewer;
          return options.socketLimits.authenticated(ctx.extra.socket, viewer);
        } catch (error) {
          // Too many failed authentications from this address: a close code of its own, not 4403.
          if (error instanceof RateLimitedError) {
            ctx.extra.socket.close(CloseCode.TooManyInitialisationRequests, error.message);
          }
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        let viewer: Viewer;
        let query: string;
        try {
          viewer = await options.socketAuth.authorise(ctx);
          const text = await operationText(payload, options.persisted.manifest, options.persisted.cache);
          if (text instanceof GraphQLError) return [text];
          query = text;
          assertTokenLimit(query, limits.maxTokens);
        } catch (error) {
          return [error as GraphQLError];
        }
        let document: DocumentNode;
        try {
          document = parse(query);
        } catch (error) {
          return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(planner.apiGraphQLSchema, document, rules);
        if (errors.length > 0) {
          return errors.map((e) =>
            e.originalError instanceof ClutchError ? e.originalError : withCode(e, 'GRAPHQL_VALIDATION_FAILED'),
          );
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new BadUserInputError('Name the operation to run')];
        if (options.allowList && !options.allowList.permits(sha256(query), document, operation))
          return [new ForbiddenError('Only registered operations are accepted here')];
        // Like Apollo over HTTP: registered once it is valid and allowed.
        await registerOperation(payload, query, options.persisted.cache);
        const requestId = randomUUID();
        const contextValue: GatewayContext = {
          viewer,
          requestId,
          clientIp: ctx.extra.request.socket.remoteAddress,
          logger: logger.child({ reqId: requestId }),
        };
        try {
          assertIntrospectionAllowed(document, contextValue, options.introspectionOpenToAll);
        } catch (error) {
          return [error as GraphQLError];
        }
        const capped = options.socketLimits.claim(ctx.extra.socket, id, operation.operation, ctx.subscriptions);
        if (capped) return capped;
        const refused = await chargeSubscriptionStart(
          options.rateLimits,
          planner.apiGraphQLSchema,
          document,
          operation,
          contextValue,
        );
        if (refused) return refused;
        const variables = getVariableValues(
          planner.apiGraphQLSchema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (variables.errors) return variables.errors.map((e) => new BadUserInputError(e.message));
        rawVariables.set(document, payload.variables ?? {});
        return {
          schema: planner.apiGraphQLSchema,
          document,
          variableValues: variables.coerced,
          operationName: payload.operationName,
          contextValue,
        } satisfies ExecutionArgs;
      },
      subscribe: (args) => {
        try {
          return options.subscriptions.subscribe({
            document: args.document,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            operationName: args.operationName,
            context: args.contextValue as GatewayContext,
          }) as never;
        } catch (error) {
          const context = args.contextValue as GatewayContext;
          const formatted = maskError({ message: String(error) }, error, (cause) =>
            context.logger.error({ err: cause }, 'subscription failed to start'),
          );
          return { errors: [new GraphQLError(formatted.message, { extensions: formatted.extensions })] };
        }
      },
      execute: async (args) => {
        const response = await options.apollo.executeOperation(
          {
            query: args.document,
            variables: rawVariables.get(args.document),
            operationName: args.operationName ?? undefined,
          },
          { contextValue: args.contextValue as GatewayContext },
        );
        return response.body.kind === 'single'
          ? (response.body.singleResult as never)
          : ({ errors: [new GraphQLError('Incremental delivery is not supported over WebSocket')] } as never);
      },
      // A ping may carry renewed credentials (see SocketAuth); plain keep-alive pings change nothing.
      onPing: (ctx, payload) => options.socketAuth.refresh(ctx, credentialsFromParams(payload)),
      onClose: (ctx) => options.socketAuth.closed(ctx),
      ...errorMaskingHooks(logger, { hideSuggestions: options.hideSuggestions }),
      jsonMessageReviver(key, value) {
        const revived: unknown = options.socketLimits.jsonMessageReviver.call(this, key, value);
        return key === '' ? hashOnlySubscribe(revived) : revived;
      },
      jsonMessageReplacer: withoutEchoedCredentials,
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return { close: () => closeWebSocketServer(disposable, wss) };
}
