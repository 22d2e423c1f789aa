import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { graphqlRunsAsProduction } from './graphql-mode.js';

const tsx = path.resolve('node_modules/.bin/tsx');

/** What graphqlRunsAsProduction says in a fresh process that runs `code` (NODE_ENV left unset). */
function probe(code: string): string {
  const env = { ...process.env };
  delete env.NODE_ENV;
  return execFileSync(tsx, ['--eval', `(async () => {${code}})()`], { env, encoding: 'utf8' }).trim();
}

describe('graphql-js in production mode, as bench entry points load it', () => {
  it('is not what jest runs (NODE_ENV=test): the check tells the two apart', () => {
    expect(graphqlRunsAsProduction()).toBe(false);
  });

  it('holds in a process that imports production-mode before anything loads graphql', () => {
    const code = `
      await import('./bench/lib/production-mode.ts');
      const { graphqlRunsAsProduction } = await import('./bench/lib/graphql-mode.ts');
      console.log(graphqlRunsAsProduction());`;
    expect(probe(code)).toBe('true');
  });

  it('does not hold when graphql loaded first, which startBenchSystem refuses', () => {
    const code = `
      const { graphqlRunsAsProduction } = await import('./bench/lib/graphql-mode.ts');
      await import('./bench/lib/production-mode.ts');
      console.log(graphqlRunsAsProduction());`;
    expect(probe(code)).toBe('false');
  });
});
