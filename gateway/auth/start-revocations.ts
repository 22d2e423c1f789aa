import type { Config } from '../../platform/config/environment.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { listenForRevocations, loadRevokedSessions } from './revocation-feed.js';
import { GatewayRevocations } from './revocations.js';

/** A revoked key or device is remembered this much longer than a cached verdict lives. */
const IN_FLIGHT_MARGIN_SECONDS = 60;
/** Start-up waits at most this long for the bus subscriptions before loading revoked sessions. */
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * The gateway's view of revoked credentials: listening on the bus first, then loading the
 * sessions identity revoked before this gateway listened, so nothing falls in between.
 */
export async function startRevocations(options: {
  config: Config;
  bus: EventBus | undefined;
  subgraphUrls: Record<string, string>;
  logger: Logger;
}) {
  const { config, bus, logger } = options;
  const revocations = new GatewayRevocations((config.API_KEY_CACHE_SECONDS + IN_FLIGHT_MARGIN_SECONDS) * 1000);
  const feed = bus ? listenForRevocations(bus, revocations, logger) : undefined;
  if (!bus) logger.warn('no event bus: revocations take effect only when cached verdicts or tokens expire');
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([
    feed?.ready,
    new Promise((resolve) => (waited = setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref())),
  ]);
  clearTimeout(waited);
  const loader = loadRevokedSessions({
    identityUrl: options.subgraphUrls.identity,
    internalSecret: config.INTERNAL_SECRET,
    revocations,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    logger,
  });
  await loader.firstAttempt;
  return {
    revocations,
    stop() {
      feed?.stop();
      loader.stop();
    },
  };
}
