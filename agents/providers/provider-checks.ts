import type { Logger } from '../../platform/logger.js';
import type { ProviderRouter } from './router.js';

/**
 * Checks the providers at start-up, without holding start-up up (a provider that does not
 * answer takes its whole timeout), then every `intervalMs` (0: start-up only). The verdicts
 * order the routes (ranking.ts) and show in `autonomousStatus.providers`.
 */
export function startProviderChecks(
  router: Pick<ProviderRouter, 'checkProviders' | 'availableProviders'>,
  { intervalMs, logger }: { intervalMs: number; logger: Logger },
): { first: Promise<void>; stop(): void } {
  if (router.availableProviders().length === 0) return { first: Promise.resolve(), stop: () => undefined };
  const run = async () => {
    try {
      const checks = await router.checkProviders();
      logger.info(
        { providers: checks.map((c) => ({ provider: c.provider, ok: c.ok, status: c.status, ms: c.latencyMs })) },
        'agents: AI providers checked',
      );
    } catch (err) {
      logger.warn({ err }, 'agents: AI provider check failed');
    }
  };
  const first = run();
  const timer = intervalMs > 0 ? setInterval(() => void run(), intervalMs) : null;
  timer?.unref();
  return { first, stop: () => timer && clearInterval(timer) };
}
