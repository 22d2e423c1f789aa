import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import { CLIENT_IP_HEADER, INTERNAL_SECRET_HEADER, VIEWER_HEADER, decodeViewer, secretsEqual } from '../auth/viewer.js';
import { ErrorCode, maskError } from '../errors.js';
import { mountHealthRoutes, type HealthCheck, type OpsAccess } from '../http/health.js';
import { HttpDrain } from '../http/drain.js';
import { requestContext } from '../http/request-context.js';
import type { Logger } from '../logger.js';
import type { Registry } from 'prom-client';
import { createMetrics } from '../metrics.js';
import type { SubgraphContext } from './context.js';
import { serveSubgraphSubscriptions } from './websocket.js';
import { apolloExpress } from '../http/apollo-express.js';
import { uncacheableResponses } from './uncacheable.js';
import { graphqlRoute } from './graphql-route.js';

/** What a subgraph's `createXSubgraph(deps)` returns. */
export interface Subgraph {
  name: string;
  schema: GraphQLSchema;
  /** Extra routes, mounted behind the internal-secret check (service-to-service calls). */
  internalRoutes?: (router: Router) => void;
  /**
   * Routes open to callers without the internal secret, which check their callers themselves
   * (a provider's signed webhooks); the gateway forwards them (gateway/forwarded-routes.ts).
   */
  publicRoutes?: (app: Express) => void;
  healthChecks?: Record<string, HealthCheck>;
  /** Per-request additions to the context, such as DataLoaders. */
  context?: (base: SubgraphContext) => object;
  /** Background work (consumers, jobs) that must stop before the database closes. */
  stop?: () => Promise<void>;
  /** Domain metrics (pipelines, jobs) next to the HTTP ones on this subgraph's /metrics. */
  registerMetrics?: (registry: Registry) => void;
}

export interface ServeOptions {
  host: string;
  port: number;
  internalSecret: string;
  logger: Logger;
  bodyLimitBytes?: number;
  /** Who may read /metrics and /health/detailed (METRICS_TOKEN); public when absent. */
  opsAccess?: OpsAccess;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves one subgraph over HTTP. Only the gateway may call `/graphql` and `/internal`: a
 * request without the internal secret is refused before any resolver runs.
 */
export async function serveSubgraph(subgraph: Subgraph, options: ServeOptions): Promise<RunningSubgraph> {
  const logger = options.logger.child({ subgraph: subgraph.name });
  const metrics = createMetrics(subgraph.name);
  subgraph.registerMetrics?.(metrics.registry);
  const app = express();
  app.disable('x-powered-by');
  // graphqlRoute, in front of the app, needs Apollo, which needs the server: it is set once Apollo
  // has started. Listening first, as the app did, keeps the order of every request's listeners.
  let listener: RequestListener = app;
  const server = createServer((req, res) => listener(req, res));
  server.keepAliveTimeout = 65_000;
  // Before every route: once stopping, requests on open keep-alive connections are refused unexecuted.
  const drain = new HttpDrain();
  app.use(drain.middleware());

  const apollo = new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Our own shutdown sequence owns the signals (Apollo would re-raise them and kill us mid-drain).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ...uncacheableResponses(),
    ],
    formatError: (formatted, error) => {
      const masked = maskError(formatted, error, (cause) => logger.error({ err: cause }, 'unexpected resolver error'));
      metrics.graphqlErrors.inc({ code: String(masked.extensions?.code ?? 'UNKNOWN') });
      return masked;
    },
  });
  await apollo.start();

  app.use(requestContext(logger, metrics));

  const withSubgraphContext = (base: SubgraphContext): SubgraphContext =>
    subgraph.context ? { ...base, ...subgraph.context(base) } : base;
  const subscriptions = serveSubgraphSubscriptions(server, {
    schema: subgraph.schema,
    internalSecret: options.internalSecret,
    logger,
    createContext: withSubgraphContext,
  });

  const gatewayOnly: RequestHandler = (req, res, next) => {
    if (secretsEqual(req.header(INTERNAL_SECRET_HEADER), options.internalSecret)) return next();
    req.log.warn({ path: req.path, ip: req.ip }, 'refused call without the internal secret');
    res.status(403).json({
      errors: [{ message: 'Subgraphs only accept calls from the gateway', extensions: { code: ErrorCode.FORBIDDEN } }],
    });
  };
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const json = express.json({ limit: bodyLimitBytes });
  const contextOf = (headers: IncomingHttpHeaders, requestId: string, requestLogger: Logger) =>
    withSubgraphContext({
      viewer: decodeViewer(headers[VIEWER_HEADER] as string | undefined),
      requestId,
      logger: requestLogger,
      clientIp: headers[CLIENT_IP_HEADER] as string | undefined,
    });
  // The gateway's calls mostly take graphqlRoute, in front of the app; the rest come here. This
  // goes first, past no other route's path matching (the health, public and internal routes cost
  // 2-3 % of a busy subgraph's CPU to skip).
  app.use(
    '/graphql',
    gatewayOnly,
    json,
    apolloExpress(apollo, { context: async ({ req }) => contextOf(req.headers, req.id, req.log) }),
  );

  const health = express.Router();
  mountHealthRoutes(health, {
    service: subgraph.name,
    checks: subgraph.healthChecks ?? {},
    registry: metrics.registry,
    access: options.opsAccess,
  });
  app.use(health);
  subgraph.publicRoutes?.(app);

  const internal = express.Router();
  internal.use(gatewayOnly, json);
  subgraph.internalRoutes?.(internal);
  app.use(internal);

  listener = graphqlRoute({
    apollo,
    drain,
    internalSecret: options.internalSecret,
    bodyLimitBytes,
    logger,
    metrics,
    context: async (req, scope) => contextOf(req.headers, scope.id, scope.log),
    express: app,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url }, 'subgraph listening');
  return {
    name: subgraph.name,
    url,
    async stop() {
      drain.start();
      await subscriptions.close();
      await apollo.stop();
      await subgraph.stop?.();
    },
  };
}
