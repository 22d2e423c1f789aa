import type { ApolloServer } from '@apollo/server';
import type { Request, Response, Router } from 'express';
import { hasRole } from '../platform/auth/viewer.js';
import { ClutchError, ErrorCode, ForbiddenError, UnauthenticatedError } from '../platform/errors.js';
import { credentialsFromHeaders, type Authenticator } from './auth/authenticate.js';
import type { GatewayContext } from './context.js';

/**
 * The product brief's debug routes, which people already script against. Each runs one
 * GraphQL operation through this gateway's own Apollo server with the caller's context, so
 * it shares the resolvers, authorization and limits of /graphql. Admins only.
 */
export const DEBUG_QUERIES: Record<string, string> = {
  '/api/v1/autonomous-system/status': `query AutonomousSystemStatus {
    autonomousStatus { mode running leaderId leaseExpiresAt instanceId isLeader lastTickAt lastTickDurationMs lastTickReason nextTickAt
      intervalSeconds modeChangedAt modeChangedBy actionsInLastHour maxActionsPerHour pendingApprovals logLevel
      activeEffects { decisionId action kind target value appliedAt expiresAt }
      providers { provider model available healthy circuit lastCheckedAt lastCheckOk lastCheckError modelListed } }
    agentTeam { id name role responsibilities triggerCategories status decisionsMade outcomesEvaluated successRate lastDecisionAt }
  }`,
  '/api/v1/learning-system/status': `query LearningSystemStatus {
    learningState { seed priorAlpha priorBeta
      arms { triggerKind action alpha beta expectedSuccess pulls updatedAt }
      bestActions { triggerKind bestAction expectedSuccess pulls totalPulls } }
  }`,
  '/api/v1/learning-system/goals/report': `query GoalsReport {
    goals { id name category current target unit progress trend source direction startValue expected onTrack dueAt updatedAt }
  }`,
  '/api/v1/learning-system/metrics': `query LearningSystemMetrics {
    agentMetrics { decisions outcomesEvaluated successes successRate triggerFirings aiCostUsd
      byStatus { key count } byCategory { key count }
      providers { provider model baseURL available circuit budgetRemainingUsd calls failures totalCostUsd p95LatencyMs } }
  }`,
};

/**
 * The brief's one debug route that acts: deploying the team (mode ON, providers and triggers
 * checked, a report of what was found). POST, so no crawler or prefetch runs it. The brief's
 * `backend/create` is not served: the team does not write or ship code (see the README).
 */
export const DEBUG_MUTATIONS: Record<string, string> = {
  '/api/v1/autonomous-system/team/deploy': `mutation DeployTeam {
    deployTeam { previousMode deployedAt deployedBy healthy findings
      providers { provider model configured ok status error latencyMs modelListed }
      triggers { kind category metric threshold value signal }
      routines { kind at }
      status { mode running lastTickAt
        providers { provider available healthy circuit lastCheckedAt lastCheckOk lastCheckError } } }
  }`,
};

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

const sendError = (res: Response, error: ClutchError) =>
  res
    .status(STATUS_BY_CODE[error.code] ?? 500)
    .json({ errors: [{ message: error.message, extensions: { code: error.code } }] });

export function mountDebugRoutes(
  router: Router,
  { apollo, authenticator }: { apollo: ApolloServer<GatewayContext>; authenticator: Authenticator },
): void {
  const routes = [
    ...Object.entries(DEBUG_QUERIES).map(([path, query]) => ({ method: 'get' as const, path, query })),
    ...Object.entries(DEBUG_MUTATIONS).map(([path, query]) => ({ method: 'post' as const, path, query })),
  ];
  for (const { method, path, query } of routes) {
    router[method](path, async (req: Request, res: Response) => {
      let viewer;
      try {
        viewer = await authenticator.authenticate(credentialsFromHeaders(req.headers));
      } catch (error) {
        if (error instanceof ClutchError) return void sendError(res, error);
        throw error;
      }
      if (!viewer) return void sendError(res, new UnauthenticatedError());
      if (!hasRole(viewer, 'ADMIN')) return void sendError(res, new ForbiddenError('The debug routes are for admins'));
      const response = await apollo.executeOperation(
        { query },
        { contextValue: { viewer, requestId: req.id, clientIp: req.ip, logger: req.log } },
      );
      if (response.body.kind !== 'single')
        return void res.status(500).json({ errors: [{ message: 'unexpected incremental result' }] });
      const { data, errors } = response.body.singleResult;
      const code = errors?.[0]?.extensions?.code;
      const status = errors?.length ? (STATUS_BY_CODE[String(code)] ?? (data ? 200 : 500)) : 200;
      res.status(status).json(errors?.length ? { data, errors } : { data });
    });
  }
}
