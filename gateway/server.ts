import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import type { Config } from '../platform/config/environment.js';
import type { EventBus } from '../platform/events/bus.js';
import { ClutchError, RateLimitedError, maskError } from '../platform/errors.js';
import { mountHealthRoutes, opsAccessFromConfig } from '../platform/http/health.js';
import { hideSuggestions } from '../platform/http/hide-suggestions.js';
import { HttpDrain } from '../platform/http/drain.js';
import { requestContext } from '../platform/http/request-context.js';
import type { Logger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { listenForLogLevel } from '../platform/ops/log-level.js';
import { debugLogPlugin } from './debug-log.js';
import { listenForRateLimitOverrides } from '../platform/ops/rate-limit-overrides.js';
import { createSubscriptionMetrics } from './subscriptions/metrics.js';
import { keepApolloTelemetryOff } from './apollo-telemetry.js';
import { installResultShaping } from './result-shaping.js';
import { installOperationCache } from './operation-cache.js';
import { installQuietTracer } from './apollo-tracer.js';
import { createAuthenticator, credentialsFromHeaders } from './auth/authenticate.js';
import { SocketAuth } from './auth/socket-auth.js';
import { startRevocations } from './auth/start-revocations.js';
import { corsOptions } from './cors.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './data-source.js';
import { mountDebugRoutes } from './debug-routes.js';
import { mountInvoicePdf } from './invoice-pdf.js';
import { mountForwardedRoutes } from './forwarded-routes.js';
import { gatewayHealthChecks } from './health.js';
import { introspectionGuard } from './introspection.js';
import { startMetricsPublisher } from './metrics-publisher.js';
import { operationLimitRules, type OperationLimits } from './limits/operation-limits.js';
import { batchAndTokenLimits, bodyErrors, jsonBody, sendError, type RequestLimits } from './limits/request-limits.js';
import { mountPlayground } from './playground/route.js';
import { IngestAdmission } from './limits/ingest-admission.js';
import { rateLimitPlugin } from './rate-limits/plugin.js';
import { checkScalarInputs } from './scalars.js';
import { startRateLimits } from './rate-limits/rate-limits.js';
import { FederatedSubscriptions } from './subscriptions/federated-subscriptions.js';
import { SupergraphPlanner } from './subscriptions/planner.js';
import { SubgraphClients } from './subscriptions/subgraph-clients.js';
import { createSocketLimits, socketCapsFromConfig } from './subscriptions/socket-limits.js';
import { serveGatewaySubscriptions } from './subscriptions/websocket-server.js';
import { TrafficWindow } from './traffic-window.js';
import { AllowList, loadManifest, registeredOperations } from './persisted/allow-list.js';
import { apolloExpress } from '../platform/http/apollo-express.js';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  supergraphSdl: string;
  /** Subgraph name → its /graphql URL. */
  subgraphUrls: Record<string, string>;
  port: number;
  host: string;
  /** Traffic snapshots go out on it (GATEWAY_METRICS_TOPIC); log-level and rate-limit commands come in. */
  bus?: EventBus;
}

export interface RunningGateway {
  url: string;
  server: Server;
  subscriptions: FederatedSubscriptions;
  stop(): Promise<void>;
}

export function limitsFromConfig(config: Config): OperationLimits & RequestLimits {
  return {
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxCost: config.GRAPHQL_MAX_COST,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    maxBatch: config.GRAPHQL_MAX_BATCH,
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
  };
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, supergraphSdl, subgraphUrls } = options;
  const logger = options.logger.child({ component: 'gateway' });
  const metrics = createMetrics('gateway');
  const limits = limitsFromConfig(config);
  const traffic = new TrafficWindow();
  const revoked = await startRevocations({ config, bus: options.bus, subgraphUrls, logger });
  const authenticator = createAuthenticator({
    jwtSecret: config.JWT_SECRET,
    internalSecret: config.INTERNAL_SECRET,
    cacheSeconds: config.API_KEY_CACHE_SECONDS,
    deviceCacheSeconds: config.DEVICE_TOKEN_CACHE_SECONDS,
    subgraphUrls,
    revocations: revoked.revocations,
  });
  const socketAuth = new SocketAuth(authenticator, revoked.revocations, logger, metrics.registry);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  const drain = new HttpDrain();

  const dataSources: Record<string, SubgraphDataSource> = {};
  const dataSourceFor = (name: string, url?: string) =>
    (dataSources[name] ??= new SubgraphDataSource(subgraphUrls[name] ?? url!, {
      internalSecret: config.INTERNAL_SECRET,
      timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    }));
  keepApolloTelemetryOff();
  // @apollo/gateway's result shaping was ~11 % of our CPU on lists; same output, see result-shaping.ts.
  installResultShaping();
  // executeQueryPlan's per-request operationFromDocument, kept per cached document (operation-cache.ts).
  installOperationCache();
  // Apollo's spans are non-recording while no OpenTelemetry SDK is registered (apollo-tracer.ts).
  installQuietTracer();
  const rateLimitOverrides = listenForRateLimitOverrides(options.bus, logger);
  const rateLimits = await startRateLimits(config, logger, metrics.registry, rateLimitOverrides);
  const ingestAdmission = new IngestAdmission({
    maxInFlight: config.INGEST_MAX_IN_FLIGHT,
    retryAfterSeconds: 1,
    registry: metrics.registry,
  });
  const manifest = loadManifest();
  const allowList = config.GRAPHQL_PERSISTED_ONLY ? new AllowList({ manifest }) : undefined;
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ name, url }) => dataSourceFor(name, url) });
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => checkScalarInputs(apiSchema));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: false,
    // Our own shutdown sequence owns the signals (Apollo would re-raise them and kill us mid-drain).
    stopOnTerminationSignals: false,
    validationRules: operationLimitRules(limits),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      introspectionGuard(config.GRAPHQL_INTROSPECTION && !config.isProduction),
      rateLimitPlugin(rateLimits),
      ingestAdmission.plugin(),
      traffic.plugin(),
      debugLogPlugin(logger),
      ...(allowList ? [allowList.plugin()] : []),
    ],
    formatError: (formatted, error) => {
      const masked = maskError(formatted, error, (cause) => logger.error({ err: cause }, 'unexpected error'));
      metrics.graphqlErrors.inc({ code: String(masked.extensions?.code ?? 'UNKNOWN') });
      traffic.recordError(masked.extensions?.code, masked.extensions?.serviceName);
      return config.isProduction ? hideSuggestions(masked) : masked;
    },
  });
  await apollo.start();

  app.use(drain.middleware());
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  app.use(cors(corsOptions(config.CORS_ORIGINS)));
  app.use(requestContext(logger, metrics));
  const routes = express.Router();
  mountHealthRoutes(routes, {
    service: 'gateway',
    checks: gatewayHealthChecks(subgraphUrls),
    registry: metrics.registry,
    access: opsAccessFromConfig(config),
  });
  if (config.PLAYGROUND_ENABLED) mountPlayground(routes, { path: '/graphql', logger });
  mountDebugRoutes(routes, { apollo, authenticator });
  mountInvoicePdf(routes, {
    authenticator,
    rateLimits,
    paymentsUrl: subgraphUrls.payments,
    internalSecret: config.INTERNAL_SECRET,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
  });
  const graphql = express.Router();
  graphql.use(
    traffic.middleware(),
    ingestAdmission.door(),
    jsonBody(limits),
    bodyErrors,
    registeredOperations(manifest),
    batchAndTokenLimits(limits),
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      try {
        const credentials = credentialsFromHeaders(req.headers);
        // req.ip runs proxy-addr over the forwarding headers on every read: once per request.
        const clientIp = (res.locals.clientIp = req.ip);
        res.locals.viewer = await rateLimits.authFailures.guard(credentials, clientIp, () =>
          authenticator.authenticate(credentials),
        );
        next();
      } catch (error) {
        if (!(error instanceof ClutchError)) return next(error);
        if (error instanceof RateLimitedError) res.setHeader('retry-after', String(error.extensions.retryAfterSeconds));
        const status = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 }[error.code as string] ?? 503;
        sendError(res, status, error);
      }
    },
    apolloExpress(apollo, {
      context: async ({ req, res }) => {
        res.locals.answeredByGraphQL = true;
        return {
          viewer: res.locals.viewer,
          requestId: req.id,
          clientIp: (res.locals.clientIp as string | undefined) ?? req.ip,
          logger: req.log,
        };
      },
    }),
  );
  // POST /graphql goes straight to its chain: none of the routes below answers it, yet Express
  // matched every one of their layers against each GraphQL request (the router's matching, path
  // trimming and debug calls: ~7 % of the gateway's allocations on the list of 20). A POST that
  // the chain passes on ends where it did, past the last layer (404).
  app.use('/graphql', (req, res, next) =>
    req.method === 'POST' ? graphql(req, res, (error?: unknown) => next(error ?? 'router')) : next(),
  );
  app.use(routes);
  mountForwardedRoutes(app, subgraphUrls, logger);
  app.use('/graphql', graphql);

  const planner = SupergraphPlanner.sharing(gateway, supergraphSdl);
  checkScalarInputs(planner.apiGraphQLSchema);
  for (const name of Object.keys(subgraphUrls)) dataSourceFor(name);
  const clients = new SubgraphClients(subgraphUrls, config.INTERNAL_SECRET);
  const subscriptionMetrics = createSubscriptionMetrics(metrics.registry);
  const federated = new FederatedSubscriptions({
    planner,
    dataSources,
    clients,
    logger,
    maxQueuePerSubscriber: config.SUBSCRIPTION_MAX_QUEUE,
    hooks: {
      onDrop: () => subscriptionMetrics.dropped.inc(),
      onDelivered: (n) => subscriptionMetrics.delivered.inc(n),
    },
  });
  subscriptionMetrics.observe(() => ({ ...federated.stats, connections: clients.size }));
  const websocket = serveGatewaySubscriptions(server, {
    planner,
    subscriptions: federated,
    socketAuth,
    apollo,
    limits,
    rateLimits,
    introspectionOpenToAll: config.GRAPHQL_INTROSPECTION && !config.isProduction,
    hideSuggestions: config.isProduction,
    logger,
    socketLimits: createSocketLimits(socketCapsFromConfig(config), metrics.registry, logger),
    allowList,
    persisted: { manifest, cache: apollo.cache },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}/graphql`;
  logger.info({ url }, 'gateway listening');
  const stopPublishing = options.bus
    ? startMetricsPublisher({
        bus: options.bus,
        traffic,
        intervalMs: config.GATEWAY_METRICS_INTERVAL_SECONDS * 1000,
        logger,
      })
    : () => undefined;
  const logLevel = listenForLogLevel(options.bus, 'gateway', logger);
  return {
    url,
    server,
    subscriptions: federated,
    async stop() {
      // First: a request arriving from now on, even on an open keep-alive connection, is refused unexecuted.
      drain.start();
      stopPublishing();
      logLevel.stop();
      await websocket.close();
      socketAuth.stop();
      authenticator.close();
      revoked.stop();
      await federated.close();
      await clients.close();
      await apollo.stop();
      await rateLimits.close();
      rateLimitOverrides.stop();
    },
  };
}
