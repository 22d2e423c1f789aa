import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { wholeNumber } from '../options.js';
import { environment, fixed, saveReport, table, type Environment } from '../report.js';
import { DEFAULT_TYPES, simulateLearning, type TypeResult } from './learning-sim.js';

/*
 * `npm run bench:agents -- --learning [--runs 300] [--episodes 40] [--seed 1]`: the loop's
 * learning in a simulated environment (learning-sim.ts), no database. Per incident type: the
 * episodes until the loop picks the working action 80 % of the time, and the share of incidents
 * resolved by the loop, by a uniformly random pick among the same actions and by doing nothing
 * (the no-op control), all facing the same incidents in the same run.
 */

interface LearningReport {
  benchmark: 'agents-learning';
  startedAt: string;
  settings: { runs: number; episodes: number; seed: number; fixRate: number; controlShare: number };
  environment: Environment;
  types: Array<Omit<TypeResult, 'pickRate'> & { pickRateEvery5: number[] }>;
  goalEpisodes: number;
}

const GOAL_EPISODES = 20;

export function runLearningBenchmark(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      learning: { type: 'boolean' },
      runs: { type: 'string' },
      episodes: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const settings = {
    runs: wholeNumber('runs', values.runs, 300, 10),
    episodes: wholeNumber('episodes', values.episodes, 40, 10),
    seed: wholeNumber('seed', values.seed, 1, 0),
    fixRate: 0.9,
    controlShare: 0.1,
  };
  const load = loadavg()[0];
  const started = performance.now();
  const results = simulateLearning({ ...settings, types: DEFAULT_TYPES });
  const seconds = (performance.now() - started) / 1000;
  const report: LearningReport = {
    benchmark: 'agents-learning',
    startedAt: new Date().toISOString(),
    settings,
    environment: environment('none (simulation)', load),
    types: results.map(({ pickRate, ...r }) => ({
      ...r,
      pickRateEvery5: pickRate.filter((_, i) => i % 5 === 4).map((p) => Math.round(p * 100) / 100),
    })),
    goalEpisodes: GOAL_EPISODES,
  };
  const pct = (n: number) => `${fixed(100 * n)} %`;
  const points = (n: number) => `${n >= 0 ? '+' : ''}${fixed(100 * n)} pt`;
  const rows = [
    [
      'incident type',
      'ends by itself',
      'episodes to 80 %',
      'loop',
      'random',
      'no-op',
      'uplift vs random',
      'uplift vs no-op',
      'controls/run',
    ],
    ...results.map((r) => [
      r.kind,
      pct(r.selfEnding),
      r.episodesTo80 === null ? `> ${settings.episodes}` : String(r.episodesTo80),
      pct(r.resolved.loop),
      pct(r.resolved.random),
      pct(r.resolved.control),
      points(r.resolved.loop - r.resolved.random),
      points(r.resolved.loop - r.resolved.control),
      fixed(r.controls),
    ]),
  ];
  const missed = results.filter((r) => r.episodesTo80 === null || r.episodesTo80 > GOAL_EPISODES);
  console.log(
    [
      `learning: ${settings.runs} runs x ${settings.episodes} episodes per incident type, one working action each (fixes ${pct(settings.fixRate)}), controls ${pct(settings.controlShare)} of low-risk picks`,
      `node ${report.environment.node}, load ${report.environment.loadAverage1m} on ${report.environment.cpus} CPUs, ${fixed(seconds, 2)} s`,
      '',
      table(rows),
      '',
      'resolved = share of incidents over at the check (fixed, or ended by themselves), in the same incidents for all three',
      '',
      table([
        [
          'credited success of the actions the loop took',
          'working action',
          'the others',
          'judge before #13: working',
          'the others',
        ],
        ...results.map((r) => [
          r.kind,
          pct(r.credited.working),
          pct(r.credited.others),
          pct(r.oldJudge.working),
          pct(r.oldJudge.others),
        ]),
      ]),
      missed.length
        ? `goal (80 % within ${GOAL_EPISODES} episodes) missed for: ${missed.map((r) => r.kind).join(', ')}`
        : `goal met: every type converges within ${GOAL_EPISODES} episodes`,
      '',
      `saved ${saveReport('agents-learning', report)}`,
    ].join('\n'),
  );
  return 0;
}
