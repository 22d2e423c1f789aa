import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/*
 * Who may try a password for an account, and when: pure decisions, so they can be tested
 * without a database. login-throttle.ts stores the state and applies them atomically.
 *
 * Two scopes, so that an attacker is throttled and the account's owner is not:
 * - a client (an email from one IP, or one IPv6 /64) gets LOGIN_MAX_FAILURES attempts, then a
 *   lock that doubles per further failure, capped; a success resets it;
 * - an email that fails often from anywhere (LOGIN_EMAIL_SLOWDOWN_AFTER failures within
 *   LOGIN_EMAIL_WINDOW_SECONDS) is slowed: password checks for it from clients it does not know
 *   share one slot every LOGIN_EMAIL_SLOWDOWN_SECONDS. A client known to the account (a
 *   successful sign-in from there within LOGIN_KNOWN_CLIENT_DAYS) is not slowed; its own lock
 *   still applies. A slowdown never refuses a check while the slot is free, and never locks.
 */

export interface LoginPolicy {
  /** Attempts a client gets before its first lock. */
  maxFailures: number;
  /** The first lock; each further failure doubles it. */
  baseSeconds: number;
  /** No lock lasts longer than this. */
  capSeconds: number;
  /** Failures of one email (any clients) within the window that start its slowdown. */
  emailSlowdownAfter: number;
  emailWindowSeconds: number;
  /** While slowed: one check per this many seconds for the email, shared by unknown clients. */
  emailSlowdownSeconds: number;
  /** A successful sign-in makes its client known to the account for this long. */
  knownClientSeconds: number;
}

/** Seconds a client stays locked after `failures` attempts since its last success. */
export function lockSeconds(failures: number, policy: Pick<LoginPolicy, 'maxFailures' | 'baseSeconds' | 'capSeconds'>) {
  if (failures < policy.maxFailures) return 0;
  return Math.min(policy.baseSeconds * 2 ** (failures - policy.maxFailures), policy.capSeconds);
}

/**
 * The part of a client address that identifies a client: an IPv4 address (IPv4-mapped IPv6
 * included), the /64 of an IPv6 address (one subscriber holds a whole /64, so a lock per
 * address would lock nothing), or "unknown" for anything else. Never the raw header value.
 */
export function clientKey(ip: string | undefined | null): string {
  const address = String(ip ?? '')
    .trim()
    .toLowerCase()
    .split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) stands for two groups.
  const groups = (part: string) =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [(parseInt(g, 16) || 0).toString(16)])) : [];
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  if (tail === undefined) return left;
  const right = groups(tail);
  return [...left, ...Array<string>(Math.max(8 - left.length - right.length, 0)).fill('0'), ...right];
}

/**
 * Document ids for an email (already normalised by emailSchema) and a client. The email is
 * hashed, so the throttle's collection holds no addresses and its ids have one fixed shape.
 */
export function throttleKeys(normalisedEmail: string, ip: string | undefined | null) {
  const account = createHash('sha256').update(normalisedEmail).digest('base64url');
  return { client: `client:${account}:${clientKey(ip)}`, email: `email:${account}` };
}

export interface ClientState {
  /** Attempts since the last success; each is counted when it is reserved, before the check. */
  failures: number;
  lockedUntil: Date | null;
  lastSuccessAt: Date | null;
}

export interface EmailState {
  /** Failures within the current window, which started with the first failure after the last one ended. */
  failures: number;
  windowEndsAt: Date;
  slowUntil: Date;
  /** While slowed, the next moment the shared slot is free. */
  nextCheckAt: Date;
}

export type Refusal = { allowed: false; retryAfterSeconds: number; reason: 'locked' | 'slowed' | 'contended' };

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Refused while the client's lock lasts. */
export function clientLock(state: ClientState | null, now: Date): Refusal | null {
  if (state?.lockedUntil && state.lockedUntil > now) {
    return { allowed: false, retryAfterSeconds: secondsUntil(state.lockedUntil, now), reason: 'locked' };
  }
  return null;
}

/**
 * Reserves one attempt for a client that is not locked: the attempt counts as a failure from
 * now on (a success resets it), and the attempt that reaches the limit sets the lock itself,
 * so attempts racing it are refused before their passwords are checked.
 */
export function reserveAttempt(
  state: ClientState | null,
  now: Date,
  policy: LoginPolicy,
): { failures: number; lockedUntil: Date | null; lockSeconds: number } {
  const failures = (state?.failures ?? 0) + 1;
  const seconds = lockSeconds(failures, policy);
  return { failures, lockedUntil: seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null, lockSeconds: seconds };
}

/** A client that signed in to the account recently, and is not locked, is not slowed. */
export function isKnownClient(state: ClientState | null, now: Date, policy: LoginPolicy): boolean {
  if (!state?.lastSuccessAt || clientLock(state, now)) return false;
  return now.getTime() - state.lastSuccessAt.getTime() < policy.knownClientSeconds * 1000;
}

export const isSlowed = (state: EmailState | null, now: Date) => Boolean(state && state.slowUntil > now);

/** When the shared slot is taken, how long an unknown client waits for the next one. */
export function slotRefusal(state: EmailState | null, now: Date): Refusal {
  const next = state && state.nextCheckAt > now ? state.nextCheckAt : new Date(now.getTime() + 1000);
  return { allowed: false, retryAfterSeconds: secondsUntil(next, now), reason: 'slowed' };
}

/**
 * After a failure of the email (`failuresInWindow` counting it): the moment its slowdown lasts
 * until, or null when it does not start or extend. Once slowed, every failure extends it, so
 * an attack that goes on stays slowed; it ends a window after the last failure.
 */
export function slowdownAfterFailure(
  failuresInWindow: number,
  state: Pick<EmailState, 'slowUntil'> | null,
  now: Date,
  policy: LoginPolicy,
): Date | null {
  const slowed = Boolean(state && state.slowUntil > now);
  if (!slowed && failuresInWindow < policy.emailSlowdownAfter) return null;
  return new Date(now.getTime() + policy.emailWindowSeconds * 1000);
}
