import { Pool } from 'undici';

/**
 * Keep-alive connection pools for a load generator, one per origin: undici's own request API
 * costs the generator far less CPU per call than `fetch`, and the CPUs are shared with the system.
 */
export class HttpPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connectionsPerOrigin: number) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    const { origin, pathname, search } = new URL(url);
    let pool = this.pools.get(origin);
    if (!pool) this.pools.set(origin, (pool = new Pool(origin, { connections: this.connectionsPerOrigin })));
    const response = await pool.request({ method: 'POST', path: pathname + search, headers, body });
    return { status: response.statusCode, text: await response.body.text() };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}
