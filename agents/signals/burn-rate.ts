/**
 * Multi-window, multi-burn-rate alerting (Google SRE workbook, "Alerting on SLOs"), adapted
 * to the windows this system keeps: the gateways' rolling 1- and 5-minute windows, and 30
 * minutes, 1 hour and 6 hours of per-minute history in the agents.
 *
 * The burn rate of a window is its bad share divided by the error budget (1 - objective): at
 * 1 the budget lasts exactly the 30 days. A rule fires when both of its windows burn at least
 * its factor: the long window says enough budget went, the short one that it is still going
 * (so the alert stops soon after the incident does).
 *
 * | rule      | long | short | factor | budget spent at that rate                 |
 * | --------- | ---- | ----- | ------ | ----------------------------------------- |
 * | fast page | 1 h  | 5 m   | 14.4   | 2 % of 30 days in one hour (workbook)     |
 * | slow page | 6 h  | 30 m  | 6      | 5 % of 30 days in six hours (workbook)    |
 * | short     | 5 m  | 1 m   | 14.4   | ours: a 15-second outage at low traffic   |
 *
 * The workbook's 1 h and 6 h windows do not see an incident of seconds until it has cost
 * 2 % of the month; the short rule (the fast page's factor over our shortest windows) fires
 * within a minute of one that costs 0.17 %, which is what a database freeze does. The
 * workbook's 3-day ticket rule is left out: nothing here keeps three days of history.
 */

export const BURN_WINDOWS = ['1m', '5m', '30m', '1h', '6h'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export interface BurnRule {
  name: string;
  long: BurnWindow;
  short: BurnWindow;
  factor: number;
}

export const BURN_RULES: readonly BurnRule[] = [
  { name: 'fast page (1h/5m x14.4)', long: '1h', short: '5m', factor: 14.4 },
  { name: 'slow page (6h/30m x6)', long: '6h', short: '30m', factor: 6 },
  { name: 'short incident (5m/1m x14.4)', long: '5m', short: '1m', factor: 14.4 },
];

/** Fewer requests than this in a rule's long window are too few to judge a share by. */
export const MIN_REQUESTS_FOR_BURN = 50;

export interface WindowCounts {
  requests: number;
  bad: number;
}

export interface BurnEvaluation {
  /**
   * The largest, over the rules, of min(long burn, short burn) / factor: 1 or more means a rule
   * fires. 0 when no rule has enough requests.
   */
  ratio: number;
  /** The rule behind `ratio`, when one could be judged. */
  rule: string | null;
  /** Burn rate per window that has requests. */
  burns: Partial<Record<BurnWindow, number>>;
}

/** Pure: the burn rate of one window against an objective given in percent good (99.95). */
export function burnRate(counts: WindowCounts, objectivePct: number): number {
  const budget = 1 - objectivePct / 100;
  if (counts.requests <= 0 || budget <= 0) return 0;
  return Math.min(counts.bad, counts.requests) / counts.requests / budget;
}

/** Pure: every rule against the windows there are; windows not given are not judged. */
export function evaluateBurn(
  windows: Partial<Record<BurnWindow, WindowCounts>>,
  objectivePct: number,
  rules: readonly BurnRule[] = BURN_RULES,
  minRequests = MIN_REQUESTS_FOR_BURN,
): BurnEvaluation {
  const burns: Partial<Record<BurnWindow, number>> = {};
  for (const name of BURN_WINDOWS) {
    const w = windows[name];
    if (w && w.requests > 0) burns[name] = burnRate(w, objectivePct);
  }
  let ratio = 0;
  let rule: string | null = null;
  for (const r of rules) {
    const long = windows[r.long];
    if (!long || long.requests < minRequests) continue;
    const value = Math.min(burns[r.long] ?? 0, burns[r.short] ?? 0) / r.factor;
    if (rule === null || value > ratio) [ratio, rule] = [value, r.name];
  }
  return { ratio, rule, burns };
}
