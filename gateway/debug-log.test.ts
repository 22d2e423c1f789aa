import { parse, type OperationDefinitionNode } from 'graphql';
import { InMemoryBroker } from '../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../platform/events/in-process.js';
import { createLogger } from '../platform/logger.js';
import { listenForLogLevel, LOG_LEVEL_TOPIC } from '../platform/ops/log-level.js';
import { debugLogPlugin } from './debug-log.js';

/** A logger whose lines the test reads back. */
function recordingLogger() {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger({
    service: 'gateway',
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) } as never,
  });
  return { logger, lines };
}

/** Runs one operation through the plugin's hooks as Apollo would. */
async function serve(plugin: ReturnType<typeof debugLogPlugin>, logger: any, errorCode?: string) {
  const document = parse('query Me { me { id } vehicles: myVehicles { id } }');
  const operation = document.definitions[0] as OperationDefinitionNode;
  const contextValue = { logger, viewer: { kind: 'user', userId: 'u1', roles: ['CUSTOMER'] } };
  const hooks = await plugin.requestDidStart!({ contextValue } as never);
  await hooks?.didResolveOperation?.({ schema: undefined, document, operation } as never);
  const errors = errorCode ? [{ message: 'no', extensions: { code: errorCode } }] : undefined;
  await hooks?.willSendResponse?.({
    response: { body: { kind: 'single', singleResult: { errors } }, http: { status: 200 } },
    operation,
    operationName: 'Me',
  } as never);
}

describe('gateway debug logs', () => {
  it('are off at the default level, and cost nothing there', async () => {
    const { logger, lines } = recordingLogger();
    const plugin = debugLogPlugin(logger, 10);
    for (let i = 0; i < 20; i++) await serve(plugin, logger, i === 3 ? 'FORBIDDEN' : undefined);
    expect(lines).toEqual([]);
  });

  it('once raised (the agents raise_log_level), log one operation in ten and every failure, with no ids', async () => {
    const { logger, lines } = recordingLogger();
    const bus = new InProcessEventBus(undefined, { broker: new InMemoryBroker({}) });
    const listener = listenForLogLevel(bus, 'gateway', logger);
    await bus.publish(LOG_LEVEL_TOPIC, { service: 'gateway', level: 'debug', until: Date.now() + 60_000 });
    const plugin = debugLogPlugin(logger, 10);
    for (let i = 0; i < 20; i++) await serve(plugin, logger, i === 3 ? 'FORBIDDEN' : undefined);
    const served = lines.filter((l) => l.msg === 'operation served');
    expect(served.map((l) => [l.sampled, l.errors])).toEqual([
      [true, []],
      [false, ['FORBIDDEN']],
      [true, []],
    ]);
    expect(served[0]).toMatchObject({
      level: 'debug',
      operation: 'Me',
      type: 'query',
      fields: ['Query.me', 'Query.myVehicles'],
      caller: 'user',
      status: 200,
    });
    expect(served[0].totalMs).toEqual(expect.any(Number));
    expect(JSON.stringify(served)).not.toContain('u1');
    listener.stop();
  });
});
