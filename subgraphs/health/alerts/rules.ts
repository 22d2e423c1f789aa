import type { Severity } from '../../../platform/vocabulary/severity.js';
import type { EngineState } from '../observations/engine-state.js';
import { describeCodes, type DtcState } from '../observations/dtc-state.js';
import type { Sample } from '../observations/sample.js';
import type { UsageState } from '../observations/usage.js';
import { BATTERY } from '../parts/battery.js';
import { COOLING } from '../parts/cooling.js';
import { catalystCodes } from '../parts/emissions.js';
import { oilLife } from '../parts/engine-oil.js';
import { FUEL, worstTrim } from '../parts/fuel-system.js';
import { misfireCodes } from '../parts/ignition.js';
import type { PartName } from '../parts/part.js';
import type { PartStates } from '../parts/part-models.js';
import type { RuleSpec } from './rule-engine.js';

/** What a rule reads its value from: the sample being folded in, and the state after it. */
export interface RuleContext {
  at: number;
  sample: Sample | null;
  engine: EngineState;
  parts: PartStates;
  usage: UsageState;
  dtcs: DtcState;
}

export interface AlertRule extends RuleSpec {
  /** Stable, public (`HealthAlert.rule`), and a key in stored state: letters, digits and dashes. */
  id: string;
  part: PartName | null;
  severity: Severity;
  /** Which events step the rule: readings (time series) or trouble-code reports (a set that changes). */
  trigger: 'readings' | 'dtcs';
  /** The observed value, or undefined when the rule does not apply to this sample (nothing is stepped). */
  value(context: RuleContext): number | undefined;
  message(value: number, context: RuleContext): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Trouble-code rules alert as soon as the code shows and resolve as soon as it is cleared. */
const DTC_TIMING = {
  direction: 'above',
  threshold: 0.5,
  hysteresis: 0,
  minDurationMs: 0,
  cooldownMs: 0,
  maxGapMs: Infinity,
  // One upload's replies of several modes arrive as one event each, all measured at one time.
  judgeSameInstant: true,
} as const;

export const ALERT_RULES: readonly AlertRule[] = [
  {
    id: 'coolant-overheat',
    part: 'COOLING_SYSTEM',
    severity: 'CRITICAL',
    trigger: 'readings',
    direction: 'above',
    threshold: COOLING.overheatC,
    hysteresis: COOLING.overheatC - COOLING.recoveredC,
    minDurationMs: 30_000,
    cooldownMs: 30 * MINUTE,
    maxGapMs: 2 * MINUTE,
    value: ({ sample }) => sample?.values.coolant,
    message: (v) =>
      `Engine overheating: coolant at ${round1(v)} °C (limit ${COOLING.overheatC} °C). Stop when safe and let the engine cool.`,
  },
  {
    id: 'battery-resting-low',
    part: 'BATTERY',
    severity: 'HIGH',
    trigger: 'readings',
    direction: 'below',
    threshold: 12.0,
    hysteresis: 0.2,
    minDurationMs: 10_000,
    cooldownMs: 6 * HOUR,
    maxGapMs: 5 * MINUTE,
    value: ({ sample, engine }) => (engine === 'off' ? sample?.values.voltage : undefined),
    message: (v) =>
      `Battery low: ${round1(v)} V with the engine off (healthy at ${BATTERY.healthyRestingV} V or more). The car may not start.`,
  },
  {
    id: 'battery-not-charging',
    part: 'BATTERY',
    severity: 'HIGH',
    trigger: 'readings',
    direction: 'below',
    threshold: BATTERY.notChargingV,
    hysteresis: 0.3,
    minDurationMs: MINUTE,
    cooldownMs: 6 * HOUR,
    maxGapMs: 2 * MINUTE,
    value: ({ sample, engine }) => (engine === 'running' ? sample?.values.voltage : undefined),
    message: (v) =>
      `Battery not charging: ${round1(v)} V with the engine running (${BATTERY.chargingRange.join('-')} V expected). Check the alternator.`,
  },
  {
    id: 'battery-overcharging',
    part: 'BATTERY',
    severity: 'HIGH',
    trigger: 'readings',
    direction: 'above',
    threshold: BATTERY.overchargingV,
    hysteresis: 0.3,
    minDurationMs: 30_000,
    cooldownMs: 6 * HOUR,
    maxGapMs: 2 * MINUTE,
    value: ({ sample, engine }) => (engine === 'running' ? sample?.values.voltage : undefined),
    message: (v) => `Charging voltage too high: ${round1(v)} V. The voltage regulator may be failing.`,
  },
  {
    id: 'fuel-trim',
    part: 'FUEL_SYSTEM',
    severity: 'MEDIUM',
    trigger: 'readings',
    direction: 'above',
    threshold: FUEL.limitPercent,
    hysteresis: 3,
    minDurationMs: 5 * MINUTE,
    cooldownMs: HOUR,
    maxGapMs: 5 * MINUTE,
    value: ({ sample }) => {
      const { ltft1, ltft2 } = sample?.values ?? {};
      return ltft1 === undefined && ltft2 === undefined
        ? undefined
        : worstTrim({ bank1: ltft1 ?? null, bank2: ltft2 ?? null });
    },
    message: (v) =>
      `Fuel trim at ${round1(v)} %, beyond ±${FUEL.limitPercent} %: a vacuum leak, fuel pump or injector fault.`,
  },
  {
    id: 'oil-life-low',
    part: 'ENGINE_OIL',
    severity: 'MEDIUM',
    trigger: 'readings',
    direction: 'below',
    threshold: 10,
    hysteresis: 5,
    minDurationMs: 0,
    cooldownMs: 0,
    maxGapMs: Infinity,
    value: ({ at, parts, usage, sample }) =>
      sample?.values.rpm === undefined ? undefined : oilLife(parts.ENGINE_OIL, at, usage.firstAt).life * 100,
    message: (v) => `Oil life at ${Math.round(v)} %: an oil change is due.`,
  },
  {
    id: 'ignition-misfire',
    part: 'IGNITION',
    severity: 'HIGH',
    trigger: 'dtcs',
    ...DTC_TIMING,
    value: ({ dtcs }) => misfireCodes(dtcs).length,
    message: (_v, { dtcs }) =>
      `Engine misfire (${misfireCodes(dtcs).join(', ')}): unburnt fuel can damage the catalytic converter. Have the ignition checked soon.`,
  },
  {
    id: 'catalyst-efficiency',
    part: 'EMISSIONS',
    severity: 'MEDIUM',
    trigger: 'dtcs',
    ...DTC_TIMING,
    value: ({ dtcs }) => catalystCodes(dtcs).length,
    message: (_v, { dtcs }) => `Catalytic converter below efficiency (${catalystCodes(dtcs).join(', ')}).`,
  },
  {
    id: 'critical-dtc',
    part: null,
    severity: 'CRITICAL',
    trigger: 'dtcs',
    ...DTC_TIMING,
    value: ({ dtcs }) => criticalCodes(dtcs).length,
    message: (_v, { dtcs }) =>
      `Critical trouble code: ${criticalCodes(dtcs)
        .map((c) => `${c.code} ${c.description}`)
        .join('; ')}. Stop driving and call for assistance.`,
  },
];

const criticalCodes = (dtcs: DtcState) =>
  describeCodes(dtcs).filter((c) => c.severity === 'CRITICAL' && c.status === 'ACTIVE');

export const ruleById = (id: string) => ALERT_RULES.find((r) => r.id === id);
