/**
 * Test-only fault injection, for the crash-recovery test: with CLUTCH_TEST_PAYMENTS_FAULT set to
 * `hang-after-provider`, createPayment stops right after the provider has succeeded and before
 * anything is written, and says so on stderr, so the test can kill the process at that point.
 * Ignored unless NODE_ENV is `test`.
 */
export const FAULT_MARKER = 'PAYMENTS_FAULT_REACHED';

export type FaultPoint = 'hang-after-provider';

export function faultFromEnv(env: NodeJS.ProcessEnv = process.env): FaultPoint | undefined {
  if (env.NODE_ENV !== 'test') return undefined;
  return env.CLUTCH_TEST_PAYMENTS_FAULT === 'hang-after-provider' ? 'hang-after-provider' : undefined;
}

export async function reachFault(point: FaultPoint, active: FaultPoint | undefined, detail: string): Promise<void> {
  if (active !== point) return;
  process.stderr.write(`${FAULT_MARKER} ${point} ${detail}\n`);
  await new Promise<never>(() => undefined);
}
