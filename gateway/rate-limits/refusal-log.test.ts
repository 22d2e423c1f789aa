import { Registry } from 'prom-client';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { loadConfig } from '../../platform/config/environment.js';
import { capturedLogger } from '../../test/captured-logger.js';
import type { GatewayContext } from '../context.js';
import { RefusalLog } from './refusal-log.js';
import { startRateLimits } from './rate-limits.js';

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sampled refusal logs', () => {
  it('logs 100 refusals through the gateway rate limits in 2 lines while the metric counts all 100', async () => {
    const { lines, logger } = capturedLogger('info');
    const registry = new Registry();
    const config = loadConfig({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' });
    const limits = await startRateLimits(config, logger, registry);
    const schema = buildSchema('type Query { me: String }');
    const document = parse('{ me }');
    const context: GatewayContext = { requestId: 'r', clientIp: '203.0.113.7', logger };
    const before = lines.length;
    const outcomes = [];
    for (let i = 0; i < 101; i++) {
      outcomes.push(await limits.charge(schema, document, getOperationAST(document) ?? undefined, context));
    }
    expect(outcomes.filter((o) => o?.extensions.code === 'RATE_LIMITED')).toHaveLength(100);
    const refusalLines = parsed(lines.slice(before)).filter((l) => /refus/.test(String(l.msg)));
    expect(refusalLines).toHaveLength(1);
    expect(refusalLines[0]).toMatchObject({
      rule: 'api',
      clientIp: '203.0.113.7',
      msg: 'operation refused: rate limited',
    });

    await limits.close();
    const summary = parsed(lines.slice(before)).filter((l) => /not logged one by one/.test(String(l.msg)));
    expect(summary).toEqual([expect.objectContaining({ suppressed: 99, byRule: { api: 99 }, keysLogged: 1 })]);
    const metrics = await registry.getSingleMetricAsString('gateway_rate_limited_total');
    expect(metrics).toMatch(/gateway_rate_limited_total\{rule="api"\} 100/);
  });

  it('logs each key once per window and rolls the window on time, with a summary of the rest', () => {
    const { lines, logger } = capturedLogger('info');
    let now = 0;
    const log = new RefusalLog(logger, { windowMs: 60_000, now: () => now });
    for (let i = 0; i < 300; i++) log.refused(logger, `ip:10.0.0.${i % 3}`, { rule: 'api' }, 'refused');
    expect(parsed(lines).map((l) => l.msg)).toEqual(['refused', 'refused', 'refused']);
    now = 61_000;
    log.refused(logger, 'ip:10.0.0.0', { rule: 'api' }, 'refused');
    expect(parsed(lines).slice(3)).toEqual([
      expect.objectContaining({ suppressed: 297, byRule: { api: 297 }, keysLogged: 3 }),
      expect.objectContaining({ msg: 'refused' }),
    ]);
    log.close();
    expect(lines).toHaveLength(5);
  });

  it('bounds a flood from many keys: at most maxKeysPerWindow lines, then one summary', () => {
    const { lines, logger } = capturedLogger('info');
    const log = new RefusalLog(logger, { maxKeysPerWindow: 10 });
    for (let i = 0; i < 1000; i++) log.refused(logger, `ip:10.0.${i >> 8}.${i & 255}`, { rule: 'auth-failures' }, 'x');
    log.close();
    expect(lines).toHaveLength(11);
    expect(JSON.parse(lines[10]!)).toMatchObject({ suppressed: 990, byRule: { 'auth-failures': 990 } });
  });
});
