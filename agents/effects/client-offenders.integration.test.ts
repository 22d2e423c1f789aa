import { ClientErrorStore } from '../client-errors/client-error.store.js';
import { ManualClock } from '../clock.js';
import { newBus, testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import { clientBlockEffect } from './client-block.effect.js';
import { ActiveEffectStore } from './active-effect.store.js';
import { ClientOffenders, FAILED_LOGINS_TO_TARGET, OFFENDER_WINDOW_MS } from './client-offenders.js';

let database: TestDatabase;
let reports: ClientErrorStore;
const clock = new ManualClock(Date.parse('2030-03-04T10:00:00Z'));
beforeEach(async () => {
  database = await testDatabase();
  reports = new ClientErrorStore(database.db);
  await reports.init();
});
afterEach(async () => database.drop());

const fail = (o: ClientOffenders, ip: string, n: number) => {
  for (let i = 0; i < n; i++) o.recordFailedLogin(ip, clock.now());
};

describe('the clients behind a burst', () => {
  it('are IPs with many failed sign-ins, named as the gateway counts them, worst first', async () => {
    const offenders = new ClientOffenders({ bus: newBus(), clientErrors: reports, clock });
    fail(offenders, '203.0.113.7', FAILED_LOGINS_TO_TARGET + 5);
    fail(offenders, '::ffff:198.51.100.2', FAILED_LOGINS_TO_TARGET);
    fail(offenders, '2001:db8:0:1::5', 6);
    fail(offenders, '2001:db8:0:1:ffff::9', 6); // the same /64
    fail(offenders, '192.0.2.1', FAILED_LOGINS_TO_TARGET - 1); // a few typos
    expect(await offenders.current()).toEqual([
      { kind: 'ip', id: '203.0.113.7' },
      { kind: 'ip', id: '2001:db8:0:1::/64' },
      { kind: 'ip', id: '198.51.100.2' },
    ]);
    clock.advance(OFFENDER_WINDOW_MS);
    expect(await offenders.current()).toEqual([]);
  });

  it('never include an address that stands for many clients (loopback, unspecified)', async () => {
    const offenders = new ClientOffenders({ bus: newBus(), clientErrors: reports, clock });
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '0.0.0.0', 'not-an-ip'])
      fail(offenders, ip, FAILED_LOGINS_TO_TARGET * 2);
    expect(await offenders.current()).toEqual([]);
    const effect = clientBlockEffect(new ActiveEffectStore(database.db), newBus(), offenders);
    expect(await effect.refuse({ client: { kind: 'ip', id: '127.0.0.1' }, durationMinutes: 5 })).toMatch(
      /stands for many clients/,
    );
  });

  it('are signed-in callers with many client error reports, never the anonymous ones', async () => {
    const offenders = new ClientOffenders({ bus: newBus(), clientErrors: reports, clock });
    const report = (reporter: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          reports.insert({ message: 'x', url: null, stack: null, reporter, at: new Date(clock.now()) }),
        ),
      );
    await report('user:u1', 25);
    await report('apiKey:k1', 20);
    await report('user:u2', 5);
    await report('anonymous', 100);
    expect(await offenders.current()).toEqual([
      { kind: 'user', id: 'u1' },
      { kind: 'apiKey', id: 'k1' },
    ]);
  });
});
