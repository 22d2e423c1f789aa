import { DEFAULT_URL, OptionsError, parseSimulatorArgs, validateOptions } from './options.js';

function settings(argv: string[]) {
  const parsed = parseSimulatorArgs(argv);
  if (parsed.help) throw new Error('help');
  return parsed.settings;
}

function problems(argv: string[]): string[] {
  try {
    parseSimulatorArgs(argv);
  } catch (error) {
    if (error instanceof OptionsError) return error.problems;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('simulator flags', () => {
  it('has defaults for everything, and a random seed that a run can be replayed with', () => {
    const s = settings([]);
    expect(s).toMatchObject({
      url: DEFAULT_URL,
      vehicles: 5,
      hz: 1,
      faults: [],
      batch: 1,
      concurrency: 8,
      quiet: false,
    });
    expect(s.durationSeconds).toBeUndefined();
    expect(s.uploadEverySeconds).toBeUndefined();
    expect(Number.isInteger(s.seed)).toBe(true);
  });

  it('reads --upload-every, within 0.1 to 120 s, and not beside --batch', () => {
    expect(settings(['--upload-every', '10']).uploadEverySeconds).toBe(10);
    expect(problems(['--upload-every', '0'])).toEqual(['--upload-every must be at least 0.1']);
    expect(problems(['--upload-every', '600'])).toEqual(['--upload-every must be at most 120']);
    expect(problems(['--upload-every', 'often'])).toEqual(['--upload-every must be a number of seconds']);
    expect(problems(['--upload-every', '5', '--batch', '5'])).toEqual([
      '--batch and --upload-every: choose one (--upload-every sends the rounds together)',
    ]);
  });

  it('reads every flag', () => {
    expect(
      settings([
        '--url',
        'http://gateway:4000/graphql',
        '--vehicles',
        '50',
        '--hz',
        '0.5',
        '--duration',
        '90',
        '--fault',
        'overheat:0.2',
        '--fault',
        'misfire',
        '--seed',
        '7',
        '--batch',
        '20',
        '--concurrency',
        '4',
        '--api-key',
        'ck_fleet',
        '--admin-email',
        'ops@example.com',
        '--book',
        '--quiet',
      ]),
    ).toEqual({
      url: 'http://gateway:4000/graphql',
      vehicles: 50,
      hz: 0.5,
      durationSeconds: 90,
      faults: [
        { fault: 'overheat', fraction: 0.2 },
        { fault: 'misfire', fraction: 1 },
      ],
      seed: 7,
      batch: 20,
      concurrency: 4,
      apiKey: 'ck_fleet',
      adminEmail: 'ops@example.com',
      book: true,
      quiet: true,
    });
  });

  it('leaves booking off unless --book is given', () => {
    expect(settings([])).toMatchObject({ book: false });
  });

  it('says --help instead of running', () => {
    expect(parseSimulatorArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [['--vehicles', '0'], '--vehicles must be at least 1'],
    [['--vehicles', '2.5'], '--vehicles must be a whole number'],
    [['--vehicles', 'many'], '--vehicles must be a number'],
    [['--hz', '0'], '--hz must be at least 0.1'],
    [['--hz', '100'], '--hz must be at most 20'],
    [['--duration=-1'], '--duration must be above 0'],
    [['--batch', '1000'], '--batch must be at most 100'],
    [['--url', 'ftp://example.com'], '--url must be an http(s) URL'],
    [['--fault', 'flat-tyre'], '--fault "flat-tyre": the fault is one of overheat, misfire, weak-battery'],
    [['--fault', 'overheat:2'], '--fault "overheat:2": the share is a number above 0 and at most 1'],
    [['--fault', 'overheat:'], '--fault "overheat:": the share is a number above 0 and at most 1'],
    [['--seed=-3'], '--seed must be at least 0'],
  ])('refuses %j, naming the flag', (argv, message) => {
    expect(problems(argv)).toEqual([expect.stringContaining(message)]);
  });

  it('reports every bad flag at once', () => {
    expect(problems(['--vehicles', '0', '--hz', 'fast'])).toHaveLength(2);
  });

  it('refuses an unknown flag and a flag without its value', () => {
    expect(problems(['--vehicle', '5'])[0]).toMatch(/Unknown option '--vehicle'/);
    expect(problems(['--hz'])[0]).toMatch(/--hz/);
  });

  it('validates programmatic options the same way, faults as objects or text', () => {
    expect(validateOptions({ vehicles: 2, faults: [{ fault: 'misfire', fraction: 0.5 }, 'overheat'] }).faults).toEqual([
      { fault: 'misfire', fraction: 0.5 },
      { fault: 'overheat', fraction: 1 },
    ]);
    expect(() => validateOptions({ vehicles: -1 })).toThrow('--vehicles must be at least 1');
    expect(() => validateOptions({ faults: [{ fault: 'misfire', fraction: 3 }] })).toThrow('--fault: expected');
  });
});
