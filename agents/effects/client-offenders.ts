import type { EventBus, Unsubscribe } from '../../platform/events/bus.js';
import type { ClientKey } from '../../platform/ops/rate-limit-overrides.js';
import { clientIpKey, isClientIpKey } from '../../platform/ops/rate-limit-overrides.js';
import { LOGIN_FAILED, loginFailedSchema } from '../../subgraphs/identity/contract.js';
import type { ClientErrorStore } from '../client-errors/client-error.store.js';
import type { Clock } from '../clock.js';

/** How far back a client's misdeeds count. */
export const OFFENDER_WINDOW_MS = 5 * 60_000;
/** Failed sign-ins from one IP in the window that make it a target for block_client. */
export const FAILED_LOGINS_TO_TARGET = 10;
/** Client error reports from one signed-in caller in the window that make it one. */
export const CLIENT_ERRORS_TO_TARGET = 20;
/** At most this many IPs are tracked: past it the quietest are forgotten (a spoofed flood stays bounded). */
const MAX_TRACKED = 5_000;
const MAX_TARGETS = 5;

/**
 * Addresses that stand for many clients at once: loopback (everything behind a local proxy that
 * does not forward the client's address arrives from it), the unspecified address and the
 * IPv6 /64 that holds ::1. Blocking one would block everyone behind it, so they are never targets.
 */
export const isSharedAddress = (id: string): boolean => /^127\./.test(id) || id === '0.0.0.0' || id === '0:0:0:0::/64';

const reporterKey = (reporter: string): ClientKey | null => {
  const [kind, id] = reporter.split(':');
  return (kind === 'user' || kind === 'apiKey' || kind === 'device') && id ? { kind, id } : null;
};

/**
 * The clients behind a burst, which block_client may aim at: IPs with many failed sign-ins
 * (identity's LOGIN_FAILED events, in memory; every instance hears them all) and signed-in
 * callers with many client error reports (from the stored reports). Nothing else can be
 * blocked by the loop: a model cannot name an address of its own.
 */
export class ClientOffenders {
  private readonly failures = new Map<string, number[]>();
  private unsubscribe: Unsubscribe | undefined;

  constructor(private readonly deps: { bus: EventBus; clientErrors: ClientErrorStore; clock: Clock }) {}

  start(): Promise<void> {
    this.unsubscribe = this.deps.bus.subscribe<unknown>(LOGIN_FAILED, (payload) => {
      const event = loginFailedSchema.safeParse(payload);
      if (event.success && event.data.ip) this.recordFailedLogin(event.data.ip, this.deps.clock.now());
    });
    return this.unsubscribe.ready;
  }

  stop(): void {
    this.unsubscribe?.();
  }

  recordFailedLogin(ip: string, at: number): void {
    // Named as the gateway counts it: an IPv6 address by its /64.
    const id = clientIpKey(ip);
    if (!isClientIpKey(id) || isSharedAddress(id)) return;
    const times = (this.failures.get(id) ?? []).filter((t) => t > at - OFFENDER_WINDOW_MS);
    times.push(at);
    this.failures.delete(id);
    this.failures.set(id, times.slice(-FAILED_LOGINS_TO_TARGET * 10));
    if (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }

  /** The worst offenders now, worst first. */
  async current(): Promise<ClientKey[]> {
    const now = this.deps.clock.now();
    const ips = [...this.failures]
      .map(([id, times]) => ({ id, count: times.filter((t) => t > now - OFFENDER_WINDOW_MS).length }))
      .filter((o) => o.count >= FAILED_LOGINS_TO_TARGET)
      .sort((a, b) => b.count - a.count)
      .map((o): ClientKey => ({ kind: 'ip', id: o.id }));
    const reporters = await this.deps.clientErrors.topReporters(
      new Date(now - OFFENDER_WINDOW_MS),
      CLIENT_ERRORS_TO_TARGET,
      MAX_TARGETS,
    );
    const callers = reporters.map(reporterKey).filter((k): k is ClientKey => k !== null);
    return [...ips, ...callers].slice(0, MAX_TARGETS);
  }
}
