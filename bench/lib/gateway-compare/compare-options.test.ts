import { parseCompareOptions } from './compare.js';

describe('bench:gateway --compare --subgraphs', () => {
  it('runs a process per subgraph, as production does, unless asked otherwise', () => {
    expect(parseCompareOptions([]).subgraphs).toBe('processes');
    expect(parseCompareOptions(['--subgraphs', 'in-process']).subgraphs).toBe('in-process');
    expect(parseCompareOptions(['--subgraphs=processes']).subgraphs).toBe('processes');
  });

  it('refuses a topology it does not know, before starting anything', () => {
    expect(() => parseCompareOptions(['--subgraphs', 'threads'])).toThrow(
      '--subgraphs must be processes or in-process (got threads)',
    );
  });
});
