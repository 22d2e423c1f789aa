import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import { METRIC_RULES } from '../firings/rule-set.js';
import type { ProviderCheck, ProviderRouter } from '../providers/router.js';
import type { ProviderId } from '../providers/types.js';
import type { ObservationCollector } from '../signals/observations.js';
import { categoryOf } from '../triggers/categories.js';
import type { DailyRoutine } from '../triggers/schedule.js';
import type { ThresholdRule } from '../triggers/threshold.js';
import type { AutonomousModeValue } from '../settings.js';
import type { AutonomousStatus } from './autonomy.type.js';
import type { StatusService } from './status.service.js';

export interface ProviderCheckReport {
  provider: ProviderId;
  model: string;
  /** A key is configured; without one the provider is left out and not checked. */
  configured: boolean;
  ok: boolean | null;
  status: number | null;
  error: string | null;
  latencyMs: number | null;
  modelListed: boolean | null;
}

/** NO_DATA: the trigger's signal has no figure now (no gateway snapshot yet, the database unreadable). */
export type TriggerSignal = 'OK' | 'BREACHED' | 'NO_DATA';

export interface TriggerCheckReport {
  kind: string;
  category: string;
  metric: string;
  threshold: number;
  value: number | null;
  signal: TriggerSignal;
}

export interface TeamDeployment {
  previousMode: AutonomousModeValue;
  deployedAt: Date;
  deployedBy: string;
  providers: ProviderCheckReport[];
  triggers: TriggerCheckReport[];
  routines: Array<{ kind: string; at: string }>;
  /** Everything checked is in order: at least one provider answered (or none is configured) and every trigger has its figure. */
  healthy: boolean;
  /** What needs a look, one line each. */
  findings: string[];
  status: AutonomousStatus;
}

/** Pure: the figures of now against each rule. */
export function checkTriggers(rules: readonly ThresholdRule[], metrics: Record<string, number>): TriggerCheckReport[] {
  return rules.map((rule) => {
    const value = metrics[rule.metric];
    const known = value !== undefined && Number.isFinite(value);
    const breached =
      known && ((rule.direction ?? 'above') === 'above' ? value >= rule.threshold : value <= rule.threshold);
    return {
      kind: rule.kind,
      category: categoryOf(rule.kind),
      metric: rule.metric,
      threshold: rule.threshold,
      value: known ? value : null,
      signal: !known ? 'NO_DATA' : breached ? 'BREACHED' : 'OK',
    };
  });
}

/**
 * The brief's "deploy the team" (`POST /api/v1/autonomous-system/team/deploy`, `deployTeam`):
 * switches the loop ON (starting or resuming it), checks every configured AI provider (models
 * listed, no tokens spent) and every trigger's signal, wakes the loop, and reports what it found.
 * It never creates or changes code or infrastructure: that is what `backend/create` would do,
 * which stays out (see the README).
 */
export class TeamDeployer {
  constructor(
    private readonly deps: {
      status: Pick<StatusService, 'setMode' | 'status'>;
      mode: { get(): Promise<{ mode: AutonomousModeValue }> };
      router: Pick<ProviderRouter, 'checkProviders' | 'status'>;
      observations: Pick<ObservationCollector, 'collect'>;
      wake: (reason: string) => void;
      routines: readonly DailyRoutine[];
      rules?: readonly ThresholdRule[];
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async deploy(adminId: string): Promise<TeamDeployment> {
    const d = this.deps;
    const deployedAt = new Date(d.clock.now());
    const previousMode = (await d.mode.get()).mode;
    await d.status.setMode('ON', adminId);
    const [checks, observations] = await Promise.all([d.router.checkProviders(), d.observations.collect()]);
    const byProvider = new Map<ProviderId, ProviderCheck>(checks.map((c) => [c.provider, c]));
    const providers: ProviderCheckReport[] = d.router.status().map((s) => {
      const check = byProvider.get(s.provider);
      return {
        provider: s.provider,
        model: s.model,
        configured: s.available,
        ok: check?.ok ?? null,
        status: check?.status ?? null,
        error: check?.error ?? null,
        latencyMs: check?.latencyMs ?? null,
        modelListed: check?.modelListed ?? null,
      };
    });
    const triggers = checkTriggers(d.rules ?? METRIC_RULES, observations.metrics);

    const findings: string[] = [];
    const configured = providers.filter((p) => p.configured);
    if (configured.length === 0) findings.push('No AI provider key is configured: the deterministic policy decides.');
    for (const p of configured.filter((x) => x.ok === false))
      findings.push(`${p.provider} failed its check${p.status ? ` (HTTP ${p.status})` : ''}: it is asked last.`);
    for (const p of configured.filter((x) => x.ok && x.modelListed === false))
      findings.push(`${p.provider} does not list the model ${p.model}.`);
    if (observations.databaseFailed)
      findings.push('The database could not be read: only the in-memory triggers are evaluated.');
    const silent = triggers.filter((t) => t.signal === 'NO_DATA');
    if (silent.length) findings.push(`No figure yet for ${silent.map((t) => t.kind).join(', ')}.`);
    for (const t of triggers.filter((x) => x.signal === 'BREACHED'))
      findings.push(`${t.kind} is breached now (${t.metric} ${t.value} against ${t.threshold}).`);
    const healthy =
      (configured.length === 0 || configured.some((p) => p.ok)) && !observations.databaseFailed && silent.length === 0;

    d.wake('deploy');
    d.logger.info(
      { by: adminId, previousMode, healthy, findings, providers: configured.map((p) => [p.provider, p.ok]) },
      'agents: team deployed',
    );
    return {
      previousMode,
      deployedAt,
      deployedBy: adminId,
      providers,
      triggers,
      routines: d.routines.map((r) => ({ kind: r.kind, at: r.at })),
      healthy,
      findings,
      status: await d.status.status(),
    };
  }
}
