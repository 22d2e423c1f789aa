import { parseArgs } from 'node:util';
import { wholeNumber } from '../options.js';

export interface AlertsOptions {
  /** Vehicles streaming ordinary telemetry through the gateway. */
  vehicles: number;
  /** Rounds per vehicle folded by the rule engine alone (in process, no database). */
  engineRounds: number;
  /** Rounds per vehicle appended as a backlog for the health consumer to drain. */
  backlogRounds: number;
  /** Uploads per second, all vehicles together, while latency is measured. */
  uploadsPerSecond: number;
  /** Extra vehicles that each overheat once: one latency sample each. */
  probes: number;
  probesPerSecond: number;
  warmupSeconds: number;
}

const DEFAULTS: AlertsOptions = {
  vehicles: 1000,
  engineRounds: 120,
  backlogRounds: 2,
  uploadsPerSecond: 1,
  probes: 100,
  probesPerSecond: 2,
  warmupSeconds: 5,
};

const QUICK: Partial<AlertsOptions> = {
  vehicles: 50,
  engineRounds: 20,
  backlogRounds: 2,
  uploadsPerSecond: 5,
  probes: 10,
  warmupSeconds: 1,
};

/** `--vehicles 1000 --rate 1 --probes 100 --probe-rate 2 --engine-rounds 120 --backlog-rounds 2 --warmup 5`, or `--quick`. */
export function parseAlertsOptions(argv: string[]): AlertsOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      vehicles: { type: 'string' },
      'engine-rounds': { type: 'string' },
      'backlog-rounds': { type: 'string' },
      rate: { type: 'string' },
      probes: { type: 'string' },
      'probe-rate': { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  const base = { ...DEFAULTS, ...(values.quick ? QUICK : {}) };
  return {
    vehicles: wholeNumber('vehicles', values.vehicles, base.vehicles, 1),
    engineRounds: wholeNumber('engine-rounds', values['engine-rounds'], base.engineRounds, 1),
    backlogRounds: wholeNumber('backlog-rounds', values['backlog-rounds'], base.backlogRounds, 1),
    uploadsPerSecond: wholeNumber('rate', values.rate, base.uploadsPerSecond, 1),
    probes: wholeNumber('probes', values.probes, base.probes, 1),
    probesPerSecond: wholeNumber('probe-rate', values['probe-rate'], base.probesPerSecond, 1),
    warmupSeconds: wholeNumber('warmup', values.warmup, base.warmupSeconds, 0),
  };
}
