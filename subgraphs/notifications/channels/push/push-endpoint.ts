import { checkUrl, UnsafeUrlError, type CheckedUrl, type Resolver } from '../../../../platform/net/ssrf-guard.js';

export interface EndpointPolicy {
  /**
   * Development and tests: a push service on loopback (http or https) is accepted. Otherwise
   * only https URLs whose host resolves to public addresses (platform/net/ssrf-guard.ts).
   */
  allowLoopback: boolean;
  resolve?: Resolver;
}

/** Most characters an endpoint may have (real push services' are a few hundred). */
export const MAX_ENDPOINT_LENGTH = 1024;

/**
 * A push endpoint is a URL the user chose, so it is checked like a webhook's: at registration
 * and again before every send (the name may resolve elsewhere by then). Throws UnsafeUrlError.
 */
export async function checkPushEndpoint(raw: string, policy: EndpointPolicy): Promise<CheckedUrl> {
  if (raw.length > MAX_ENDPOINT_LENGTH) throw new UnsafeUrlError(`longer than ${MAX_ENDPOINT_LENGTH} characters`);
  const checked = await checkUrl(raw, { allowLoopback: policy.allowLoopback }, policy.resolve);
  if (checked.url.protocol !== 'https:' && !isLoopback(checked.address))
    throw new UnsafeUrlError('push services are reached over https');
  return checked;
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
