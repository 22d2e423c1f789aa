import { readFileSync } from 'node:fs';
import { entrypointNodeFlags, entrypointScript, productionNodeFlags, productionScript } from './production-flags.js';

describe("the production image's node flags, for our gateway under bench:gateway --compare", () => {
  it('are the words between node and the script of an exec-form ENTRYPOINT', () => {
    const dockerfile =
      'FROM node:24-slim\nENV SERVICE=gateway\nENTRYPOINT ["node", "--max-semi-space-size=8", "dist/app/service.js"]\n';
    expect(entrypointNodeFlags(dockerfile)).toEqual(['--max-semi-space-size=8']);
    expect(entrypointNodeFlags('ENTRYPOINT ["node", "dist/app/service.js"]')).toEqual([]);
  });

  it('name the compiled script the image runs, which the bench runs for our gateway', () => {
    expect(entrypointScript('ENTRYPOINT ["node", "--max-semi-space-size=8", "dist/app/service.js"]')).toBe(
      'dist/app/service.js',
    );
    expect(productionScript()).toBe('dist/app/service.js');
  });

  it('refuse what they cannot read rather than run the gateway otherwise than production does', () => {
    expect(() => entrypointNodeFlags('CMD ["node", "x.js"]')).toThrow(/no exec-form ENTRYPOINT/);
    expect(() => entrypointNodeFlags('ENTRYPOINT ["tini", "node", "x.js"]')).toThrow(/not \["node"/);
    expect(() => entrypointNodeFlags('ENTRYPOINT ["node", "-r", "x", "x.js"]')).toThrow(/not a flag: -r/);
  });

  it("read this repository's Dockerfile, whose flags `npm run service` passes too", () => {
    const flags = productionNodeFlags();
    expect(flags).toContain('--max-semi-space-size=16');
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.service).toBe(['node', ...flags, 'dist/app/service.js'].join(' '));
  });
});
