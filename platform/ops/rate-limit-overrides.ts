import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import type { EventBus, Unsubscribe } from '../events/bus.js';
import type { Logger } from '../logger.js';

/**
 * Operators (the agents' tighten_rate_limits and relax_rate_limits actions) scale the gateway's
 * rate limits for a while through this live topic. Every gateway applies a command to its own
 * limits and goes back on its own timer, so an override never outlives its duration even when
 * the sender dies. The topic is at-most-once: senders repeat the overrides still in force, so a
 * gateway that started after a command (or missed it) catches up. The same topic carries
 * client blocks (the agents' block_client): one IP or one caller refused for a while.
 */
export const RATE_LIMIT_TOPIC = 'ops.rate-limits';

/** The gateway's limits a command can scale: every operation, sign-ins, ingestion. */
export const OVERRIDABLE_SCOPES = ['api', 'login', 'ingest'] as const;
export type OverridableScope = (typeof OVERRIDABLE_SCOPES)[number];

/** The catalogue's own bounds: a stray command can neither cut traffic off nor lift the limits. */
export const MIN_FACTOR = 0.1;
export const MAX_FACTOR = 4;
/** The longest an override holds without a fresh command, whatever its `until` says. */
export const MAX_OVERRIDE_MS = 24 * 3_600_000;

/**
 * Whom a client block names, as the gateway's rate limits key a caller (gateway/rate-limits/keys.ts):
 * an IP (IPv4, or an IPv6 /64 as "2001:db8:0:1::/64"), or a user, API key or device id.
 */
export const CLIENT_KEY_KINDS = ['ip', 'user', 'apiKey', 'device'] as const;
export type ClientKeyKind = (typeof CLIENT_KEY_KINDS)[number];
export interface ClientKey {
  kind: ClientKeyKind;
  id: string;
}
/** One address, never a range wider than the /64 one IPv6 subscriber holds, nor the "unknown" bucket. */
export const isClientIpKey = (id: string): boolean =>
  isIPv4(id) || /^[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){3}::\/64$/i.test(id);
/** The prefix that fills the first 64 bits of an IPv6 address, normalised ("2001:db8:0:1"). */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  // An embedded IPv4 (::1.2.3.4) fills two groups.
  const width = (part: string[]) => part.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const full =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0'), ...groups(tail)];
  return full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':');
}

/**
 * How the gateway names a client IP: an IPv4-mapped address as its IPv4, an IPv6 address by
 * its /64, anything unreadable as "unknown".
 */
export function clientIpKey(clientIp: string | undefined): string {
  const ip = clientIp?.split('%')[0]?.trim();
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return isIPv6(ip) ? `${ipv6Prefix64(ip)}::/64` : ip;
}

/** Blocks a gateway holds at once; past it the one ending soonest gives way (a flood of commands cannot grow memory). */
export const MAX_CLIENT_BLOCKS = 10_000;

/**
 * Refuses every operation of one client (RATE_LIMITED) until `until`, or lifts the block
 * (`blocked: false`). Callers signed in as ADMIN are never blocked: an operator cannot lock
 * the admins out, and an admin can always end a block.
 */
export interface ClientBlockCommand {
  client: ClientKey;
  blocked: boolean;
  /** Epoch ms when the block ends by itself; null holds it for MAX_OVERRIDE_MS at most. */
  until: number | null;
  decisionId?: string;
}

export interface ClientBlock {
  client: ClientKey;
  until: number;
  decisionId?: string;
}

export interface RateLimitCommand {
  scope: OverridableScope;
  /** The scope's limits are multiplied by this; null restores them. */
  factor: number | null;
  /** Epoch ms when the override ends by itself; null holds it for MAX_OVERRIDE_MS at most. */
  until: number | null;
  /** The decision that asked for it, for the logs. */
  decisionId?: string;
}

const commandSchema = z.object({
  scope: z.enum(OVERRIDABLE_SCOPES),
  factor: z.number().min(MIN_FACTOR).max(MAX_FACTOR).nullable(),
  until: z.number().int().nullable(),
  decisionId: z.string().max(64).optional(),
});

const clientKeySchema = z
  .object({ kind: z.enum(CLIENT_KEY_KINDS), id: z.string().min(1).max(64) })
  .refine((k) => (k.kind === 'ip' ? isClientIpKey(k.id) : /^[A-Za-z0-9_-]{1,64}$/.test(k.id)), 'not a client key');
const blockCommandSchema = z.object({
  client: clientKeySchema,
  blocked: z.boolean(),
  until: z.number().int().nullable(),
  decisionId: z.string().max(64).optional(),
});

export interface RateLimitOverride {
  factor: number;
  until: number | null;
  decisionId?: string;
}

export interface RateLimitOverrideListener {
  /** The factor in force on a scope: 1 when nothing overrides it. */
  factor(scope: OverridableScope): number;
  current(): Partial<Record<OverridableScope, RateLimitOverride>>;
  /** The block in force on any of `keys` (an operation's IP and caller), if one is. */
  blocked(keys: readonly ClientKey[]): ClientBlock | undefined;
  /** Every block in force. */
  blocks(): ClientBlock[];
  /** Validates and applies a command as if it came over the topic; an invalid one is ignored. */
  apply(command: unknown): void;
  /** Stops listening, and restores every scope and lifts every block. */
  stop(): void;
}

/** Keeps the factor in force per scope from the commands on the topic; each change is logged at warn. */
export function listenForRateLimitOverrides(
  bus: EventBus | undefined,
  logger: Logger,
  now: () => number = Date.now,
): RateLimitOverrideListener {
  const inForce = new Map<OverridableScope, RateLimitOverride & { timer: NodeJS.Timeout }>();

  const restore = (scope: OverridableScope, reason: 'restored' | 'expired', decisionId?: string) => {
    const held = inForce.get(scope);
    if (!held) return;
    clearTimeout(held.timer);
    inForce.delete(scope);
    logger.warn(
      { scope, factor: 1, until: null, decisionId: decisionId ?? held.decisionId, reason },
      'rate limit back to normal',
    );
  };

  const blocks = new Map<string, ClientBlock>();
  const keyOf = (k: ClientKey) => `${k.kind}:${k.id}`;
  const live = (block: ClientBlock | undefined) => (block && block.until > now() ? block : undefined);
  const applyBlock = ({ client, blocked, until, decisionId }: z.infer<typeof blockCommandSchema>) => {
    const key = keyOf(client);
    const held = blocks.get(key);
    const end = Math.min(until ?? Infinity, now() + MAX_OVERRIDE_MS);
    if (!blocked || end <= now()) {
      if (!blocks.delete(key)) return;
      return void logger.warn({ client, decisionId: decisionId ?? held?.decisionId }, 'client block lifted');
    }
    // Senders repeat what is in force (the cap moves `end` on by the clock alone).
    if (held && held.decisionId === decisionId && (held.until === end || until === null)) return;
    blocks.set(key, { client, until: end, decisionId });
    if (blocks.size > MAX_CLIENT_BLOCKS) {
      for (const [k, b] of blocks) if (!live(b)) blocks.delete(k);
      while (blocks.size > MAX_CLIENT_BLOCKS) {
        const soonest = [...blocks].reduce((a, b) => (b[1].until < a[1].until ? b : a));
        blocks.delete(soonest[0]);
      }
    }
    logger.warn({ client, until: end, decisionId }, 'client blocked');
  };

  const apply = (raw: unknown) => {
    if (raw && typeof raw === 'object' && 'client' in raw) {
      const block = blockCommandSchema.safeParse(raw);
      if (block.success) return applyBlock(block.data);
      const issues = block.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`);
      return void logger.warn({ issues }, 'client block command ignored: invalid');
    }
    const parsed = commandSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`);
      logger.warn({ command: raw, issues }, 'rate-limit command ignored: invalid');
      return;
    }
    const { scope, factor, until, decisionId } = parsed.data;
    if (factor === null) return restore(scope, 'restored', decisionId);
    const remaining = until === null ? MAX_OVERRIDE_MS : until - now();
    if (remaining <= 0) return restore(scope, 'expired', decisionId);
    const held = inForce.get(scope);
    // Senders repeat what is in force; a repeat changes nothing and is not worth a line.
    if (held && held.factor === factor && held.until === until && held.decisionId === decisionId) return;
    clearTimeout(held?.timer);
    const timer = setTimeout(() => restore(scope, 'expired'), Math.min(remaining, MAX_OVERRIDE_MS)).unref();
    inForce.set(scope, { factor, until, decisionId, timer });
    logger.warn({ scope, factor, until, decisionId }, 'rate limit factor changed');
  };

  const unsubscribe: Unsubscribe | undefined = bus?.subscribe<unknown>(RATE_LIMIT_TOPIC, apply);
  return {
    factor: (scope) => inForce.get(scope)?.factor ?? 1,
    current: () =>
      Object.fromEntries(
        [...inForce].map(([scope, { factor, until, decisionId }]) => [scope, { factor, until, decisionId }]),
      ),
    blocked: (keys) => {
      for (const key of keys) {
        const block = live(blocks.get(keyOf(key)));
        if (block) return block;
      }
      return undefined;
    },
    blocks: () => [...blocks.values()].filter((b) => live(b)),
    apply,
    stop() {
      unsubscribe?.();
      for (const scope of [...inForce.keys()]) restore(scope, 'restored');
      blocks.clear();
    },
  };
}
