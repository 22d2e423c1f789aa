import type { Logger } from '../../platform/logger.js';
import { createLogger } from '../../platform/logger.js';
import {
  actionsForCategory,
  jsonSchemaForDecision,
  parseDecision,
  type ActionId,
  type AgentDecision,
} from '../actions/catalogue.js';
import { systemClock, type Clock } from '../clock.js';
import { categoryOf } from '../triggers/categories.js';
import type { CompletionRequest, ProviderAdapter } from './adapter.js';
import { createAnthropicAdapter } from './anthropic.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitSnapshot } from './circuit-breaker.js';
import {
  DEFAULT_DAILY_BUDGET_USD,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_ROUTES,
  DEFAULT_TIMEOUT_MS,
  PROVIDER_DEFAULTS,
  type ProviderSettings,
} from './config.js';
import { DailyBudget, type BudgetSnapshot } from './daily-budget.js';
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';
import { policyDecide } from './policy.js';
import { costUsd, DEFAULT_PRICES, estimateTokens, priceFor, type PriceTable } from './prices.js';
import { buildPrompt } from './prompt.js';
import { DEFAULT_RANKING, rankProviders, type RankingOptions } from './ranking.js';
import { normaliseSdkError, type ProviderError } from './provider-error.js';
import { ProviderMetrics, type ProviderMetricsSnapshot } from './provider-metrics.js';
import { backoffDelayMs, classifyFailure, countsAgainstCircuit, DEFAULT_RETRY, type RetryOptions } from './retry.js';
import {
  PROVIDER_IDS,
  type Attempt,
  type DecisionRequest,
  type FallbackReason,
  type ProviderId,
  type RouterResult,
  type TaskClass,
} from './types.js';

export interface RouterOptions {
  providers?: Partial<Record<ProviderId, ProviderSettings>>;
  /** Provider order per task class; providers without a key are skipped. */
  routes?: Partial<Record<TaskClass, ProviderId[]>>;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<CircuitBreakerOptions>;
  prices?: PriceTable;
  /**
   * Default false: an exhausted budget sends the decision to the policy rather than
   * moving the spend to the next provider. True skips to the next provider instead.
   */
  failoverOnBudgetExhausted?: boolean;
  /** How a route is reordered by health, latency and budget (ranking.ts). */
  ranking?: Partial<RankingOptions>;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

/** The last health check of one provider: its models listed, which costs no tokens. */
export interface ProviderCheck {
  at: number;
  ok: boolean;
  latencyMs: number;
  status?: number;
  error?: string;
  /** Whether the configured model is among those listed; null when the check failed. */
  modelListed: boolean | null;
}

export interface ProviderStatus extends ProviderMetricsSnapshot {
  provider: ProviderId;
  model: string;
  baseURL: string;
  available: boolean;
  circuit: CircuitSnapshot | null;
  budget: BudgetSnapshot | null;
  check: ProviderCheck | null;
  /** Whether the router would ask it ahead of unhealthy ones: a key, a closed circuit, no failed check. */
  healthy: boolean;
}

interface ProviderSlot {
  adapter: ProviderAdapter;
  baseURL: string;
  maxOutputTokens: number;
  breaker: CircuitBreaker;
  budget: DailyBudget;
  metrics: ProviderMetrics;
  check: ProviderCheck | null;
}

/** How one provider's turn ended, which decides whether the next one gets a turn. */
type Turn =
  | { kind: 'decided'; decision: AgentDecision; model: string }
  | { kind: 'next'; reason?: FallbackReason }
  | { kind: 'stop'; reason: FallbackReason };

/** An explicit empty set means the guardrails allow nothing but doing nothing. */
function eligibleFor(request: DecisionRequest): ActionId[] {
  if (!request.eligibleActions) return actionsForCategory(categoryOf(request.triggerKind));
  return request.eligibleActions.length ? [...new Set(request.eligibleActions)] : ['no_op'];
}

const DEFAULT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 60_000 };

export class ProviderRouter {
  private readonly slots = new Map<ProviderId, ProviderSlot>();
  private readonly settings: Partial<Record<ProviderId, ProviderSettings>>;
  private readonly routes: Record<TaskClass, ProviderId[]>;
  private readonly retry: RetryOptions;
  private readonly prices: PriceTable;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly failoverOnBudget: boolean;
  private readonly ranking: RankingOptions;

  constructor(options: RouterOptions = {}) {
    this.settings = options.providers ?? {};
    this.routes = { ...DEFAULT_ROUTES, ...options.routes };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.prices = { ...DEFAULT_PRICES, ...options.prices };
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger ?? createLogger({ service: 'agents' });
    this.failoverOnBudget = options.failoverOnBudgetExhausted ?? false;
    this.ranking = { ...DEFAULT_RANKING, ...options.ranking };
    const breaker = { ...DEFAULT_BREAKER, ...options.breaker };

    for (const id of PROVIDER_IDS) {
      const s = this.settings[id];
      const apiKey = s?.apiKey?.trim();
      if (!apiKey) continue;
      const defaults = PROVIDER_DEFAULTS[id];
      const baseURL = s?.baseURL ?? defaults.baseURL;
      const model = s?.model ?? defaults.model;
      const timeoutMs = s?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const adapter =
        defaults.sdk === 'anthropic'
          ? createAnthropicAdapter({ apiKey, baseURL, model, timeoutMs, clock: this.clock })
          : createOpenAiCompatibleAdapter({
              id,
              apiKey,
              baseURL,
              model,
              timeoutMs,
              clock: this.clock,
              structuredOutput:
                s?.structuredOutput ??
                (defaults.structuredOutput === 'tool' ? 'json_schema' : defaults.structuredOutput),
            });
      this.slots.set(id, {
        adapter,
        baseURL,
        maxOutputTokens: s?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        breaker: new CircuitBreaker(breaker, this.clock),
        budget: new DailyBudget(s?.dailyBudgetUsd ?? DEFAULT_DAILY_BUDGET_USD, this.clock),
        metrics: new ProviderMetrics(),
        check: null,
      });
    }
  }

  /** Providers that have a key, in no particular order. */
  availableProviders(): ProviderId[] {
    return [...this.slots.keys()];
  }

  /**
   * The order in which providers would be asked for a task class now: the route's order (each
   * provider's role), with unhealthy providers moved behind healthy ones and slow or nearly
   * spent ones behind the next (ranking.ts).
   */
  routeFor(taskClass: TaskClass): ProviderId[] {
    const ids = [...new Set(this.routes[taskClass] ?? [])].filter((id) => this.slots.has(id));
    return rankProviders(
      ids.map((id, position) => {
        const slot = this.slots.get(id)!;
        const budget = slot.budget.snapshot();
        return {
          id,
          position,
          circuit: slot.breaker.state,
          checkOk: slot.check?.ok ?? null,
          p95Ms: slot.metrics.snapshot().latencyMs.p95,
          budgetLeftShare: budget.dailyBudgetUsd > 0 ? budget.remainingUsd / budget.dailyBudgetUsd : 0,
        };
      }),
      this.ranking,
    );
  }

  /**
   * Checks every provider with a key (at start-up and periodically): lists its models, which
   * checks the endpoint and the key and costs no tokens. A failed check moves the provider
   * behind the healthy ones until a check passes; it does not touch the circuit, which
   * judges real calls.
   */
  async checkProviders(): Promise<Array<{ provider: ProviderId } & ProviderCheck>> {
    return Promise.all(
      [...this.slots].map(async ([provider, slot]) => {
        const t0 = this.clock.now();
        let check: ProviderCheck;
        try {
          const { models } = await slot.adapter.probe();
          check = {
            at: t0,
            ok: true,
            latencyMs: this.clock.now() - t0,
            modelListed: models.some((m) => m === slot.adapter.model || m.endsWith(`/${slot.adapter.model}`)),
          };
        } catch (caught) {
          const error = normaliseSdkError(caught, this.clock.now(), '');
          check = {
            at: t0,
            ok: false,
            latencyMs: this.clock.now() - t0,
            status: error.status,
            error: error.message,
            modelListed: null,
          };
          this.logger.warn({ provider, status: error.status, err: error.message }, 'agents: provider check failed');
        }
        slot.check = check;
        return { provider, ...check };
      }),
    );
  }

  async decide(request: DecisionRequest): Promise<RouterResult> {
    const started = this.clock.now();
    const eligible = eligibleFor(request);
    const attempts: Attempt[] = [];
    // Paying a model to pick the only option left would be waste.
    if (eligible.length === 1 && eligible[0] === 'no_op') {
      const decision = policyDecide({ ...request, eligibleActions: eligible });
      return this.result(started, attempts, {
        decision,
        provider: 'policy',
        model: 'policy',
        fallbackReason: 'nothing_to_decide',
      });
    }
    const prompt = buildPrompt(request, eligible);
    const completion: Omit<CompletionRequest, 'maxOutputTokens'> = {
      ...prompt,
      schema: jsonSchemaForDecision(eligible),
    };
    const route = this.routeFor(request.taskClass);

    let reason: FallbackReason = route.length ? 'all_providers_failed' : 'no_provider_available';
    for (const id of route) {
      const turn = await this.turn(id, this.slots.get(id)!, completion, eligible, attempts);
      if (turn.kind === 'decided') {
        return this.result(started, attempts, { decision: turn.decision, provider: id, model: turn.model });
      }
      if (turn.kind === 'stop') {
        reason = turn.reason;
        break;
      }
      // The next provider gets its turn; should none answer, the last reason given is why.
      if (turn.reason) reason = turn.reason;
    }
    const decision = policyDecide({ ...request, eligibleActions: eligible });
    this.logger.info({ triggerKind: request.triggerKind, reason, action: decision.action }, 'agents: policy decided');
    return this.result(started, attempts, { decision, provider: 'policy', model: 'policy', fallbackReason: reason });
  }

  private result(
    started: number,
    attempts: Attempt[],
    outcome: Pick<RouterResult, 'decision' | 'provider' | 'model' | 'fallbackReason'>,
  ): RouterResult {
    return {
      ...outcome,
      costUsd: attempts.reduce((sum, a) => sum + a.costUsd, 0),
      latencyMs: this.clock.now() - started,
      attempts,
    };
  }

  /** One provider's turn: the first call and any retries on 429/5xx. */
  private async turn(
    id: ProviderId,
    slot: ProviderSlot,
    completion: Omit<CompletionRequest, 'maxOutputTokens'>,
    eligible: ActionId[],
    attempts: Attempt[],
  ): Promise<Turn> {
    const { adapter, breaker, budget, metrics } = slot;
    const request: CompletionRequest = { ...completion, maxOutputTokens: slot.maxOutputTokens };
    const base = { provider: id, model: adapter.model };

    for (let retry = 0; retry <= this.retry.maxRetries; retry++) {
      if (!breaker.tryAcquire()) {
        metrics.recordSkip('circuit_open');
        attempts.push({ ...base, outcome: 'skipped', skipReason: 'circuit_open', retry, latencyMs: 0, costUsd: 0 });
        return { kind: 'next' };
      }
      if (!budget.canAfford(this.worstCaseCost(adapter.model, request))) {
        breaker.release();
        metrics.recordSkip('budget_exhausted');
        attempts.push({ ...base, outcome: 'skipped', skipReason: 'budget_exhausted', retry, latencyMs: 0, costUsd: 0 });
        this.logger.warn({ provider: id }, 'agents: provider daily budget exhausted');
        return this.failoverOnBudget ? { kind: 'next' } : { kind: 'stop', reason: 'budget_exhausted' };
      }

      const t0 = this.clock.now();
      try {
        const answer = await adapter.complete(request);
        const latencyMs = this.clock.now() - t0;
        const cost = answer.usage
          ? costUsd(answer.model, answer.usage, this.prices)
          : this.worstCaseCost(answer.model, request);
        budget.charge(cost);
        // A well-formed HTTP answer means the provider is up, even if its content is rejected.
        breaker.recordSuccess();
        const parsed =
          answer.invalid === undefined
            ? parseDecision(answer.value, eligible)
            : { ok: false as const, errors: [answer.invalid] };
        const attempt = { ...base, model: answer.model, retry, latencyMs, costUsd: cost };
        if (!parsed.ok) {
          metrics.recordCall('invalid_output', latencyMs, cost, retry);
          attempts.push({ ...attempt, outcome: 'invalid_output', error: parsed.errors.join('; ').slice(0, 500) });
          this.logger.warn({ provider: id, errors: parsed.errors }, 'agents: provider answer rejected');
          // One model's bad answer says nothing about the next model's: ask it.
          return { kind: 'next', reason: 'invalid_output' };
        }
        metrics.recordCall('success', latencyMs, cost, retry);
        attempts.push({ ...attempt, outcome: 'success' });
        return { kind: 'decided', decision: parsed.value, model: answer.model };
      } catch (caught) {
        const latencyMs = this.clock.now() - t0;
        const error: ProviderError = normaliseSdkError(caught, this.clock.now(), '');
        if (countsAgainstCircuit(error)) breaker.recordFailure();
        else breaker.release();
        metrics.recordCall('failure', latencyMs, 0, retry);
        attempts.push({
          ...base,
          outcome: 'error',
          retry,
          status: error.status,
          error: error.message,
          latencyMs,
          costUsd: 0,
        });
        const kind = classifyFailure(error);
        this.logger.warn(
          { provider: id, status: error.status, retry, kind, err: error.message },
          'agents: provider call failed',
        );
        if (kind === 'fatal') return { kind: 'stop', reason: 'fatal_error' };
        if (kind === 'failover' || retry === this.retry.maxRetries) return { kind: 'next' };
        await this.sleep(backoffDelayMs(retry + 1, this.retry, error.retryAfterMs));
      }
    }
    return { kind: 'next' };
  }

  /** The most a call can cost: the prompt's estimated tokens plus the full output allowance. */
  private worstCaseCost(model: string, request: CompletionRequest): number {
    const price = priceFor(model, this.prices);
    const input =
      estimateTokens(request.system) + estimateTokens(request.user) + estimateTokens(JSON.stringify(request.schema));
    return (input * price.inputPerMTok + request.maxOutputTokens * price.outputPerMTok) / 1_000_000;
  }

  /** Plain data for `learningState`/status views and the debug routes. */
  status(): ProviderStatus[] {
    return PROVIDER_IDS.map((provider) => {
      const slot = this.slots.get(provider);
      const s = this.settings[provider];
      const empty = new ProviderMetrics().snapshot();
      const circuit = slot ? slot.breaker.snapshot() : null;
      return {
        provider,
        model: slot?.adapter.model ?? s?.model ?? PROVIDER_DEFAULTS[provider].model,
        baseURL: slot?.baseURL ?? s?.baseURL ?? PROVIDER_DEFAULTS[provider].baseURL,
        available: !!slot,
        circuit,
        budget: slot ? slot.budget.snapshot() : null,
        check: slot?.check ?? null,
        healthy: !!slot && circuit?.state === 'closed' && slot.check?.ok !== false,
        ...(slot ? slot.metrics.snapshot() : empty),
      };
    });
  }
}
