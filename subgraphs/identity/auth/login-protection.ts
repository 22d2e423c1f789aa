import type { Db } from 'mongodb';
import { RetentionJob } from '../../../platform/jobs/retention-job.js';
import type { Logger } from '../../../platform/logger.js';
import { LoginMetrics } from './login-metrics.js';
import type { LoginPolicy } from './login-policy.js';
import { LoginThrottle } from './login-throttle.js';
import { defaultHashConcurrency, PasswordHasher } from './password-hasher.js';

/** What guards password checks: the throttle (README "Sign-in throttling") and the hash queue. */
export interface LoginSettings {
  bcryptRounds: number;
  /** Unset: defaultHashConcurrency(). */
  passwordHashConcurrency?: number;
  passwordHashQueue: number;
  loginMaxFailures: number;
  loginLockBaseSeconds: number;
  loginEmailSlowdownAfter: number;
  loginEmailWindowSeconds: number;
  loginEmailSlowdownSeconds: number;
  loginKnownClientDays: number;
}

const LOCK_CAP_SECONDS = 15 * 60;
const RETENTION_INTERVAL_MS = 60 * 60_000;

export function loginPolicy(settings: LoginSettings): LoginPolicy {
  return {
    maxFailures: settings.loginMaxFailures,
    baseSeconds: settings.loginLockBaseSeconds,
    capSeconds: LOCK_CAP_SECONDS,
    emailSlowdownAfter: settings.loginEmailSlowdownAfter,
    emailWindowSeconds: settings.loginEmailWindowSeconds,
    emailSlowdownSeconds: settings.loginEmailSlowdownSeconds,
    knownClientSeconds: settings.loginKnownClientDays * 86_400,
  };
}

export async function createLoginProtection(db: Db, settings: LoginSettings, logger: Logger) {
  const policy = loginPolicy(settings);
  const throttle = new LoginThrottle(db, policy);
  await throttle.init();
  const hasher = new PasswordHasher({
    rounds: settings.bcryptRounds,
    concurrency: settings.passwordHashConcurrency ?? defaultHashConcurrency(),
    queue: settings.passwordHashQueue,
  });
  const metrics = new LoginMetrics(() => hasher.stats);
  // A throttle document untouched for longer than anything it records matters is deleted.
  const keepMs = Math.max(policy.knownClientSeconds, policy.emailWindowSeconds, policy.capSeconds) * 1000;
  const retention = new RetentionJob(
    [{ name: 'login throttle', maxAgeMs: keepMs, deleteOlderThan: (cutoff) => throttle.deleteOlderThan(cutoff) }],
    RETENTION_INTERVAL_MS,
    logger,
  );
  retention.start();
  return { throttle, hasher, metrics, stop: () => retention.stop() };
}
