import { steadyWindows, type FleetWindow } from './report.js';

const window = (endSeconds: number): FleetWindow => ({ endSeconds, full: true }) as FleetWindow;

describe('steadyWindows', () => {
  const full = [window(60), window(120), window(180)];

  it('leaves out a window that began before the first upload interval had passed', () => {
    expect(steadyWindows(full, { uploadEverySeconds: 30, windowSeconds: 60 }).map((w) => w.endSeconds)).toEqual([
      120, 180,
    ]);
  });

  it('keeps every window when dongles upload every round, or when fewer than two would be left', () => {
    expect(steadyWindows(full, { uploadEverySeconds: null, windowSeconds: 60 })).toBe(full);
    expect(steadyWindows(full.slice(0, 2), { uploadEverySeconds: 30, windowSeconds: 60 })).toHaveLength(2);
  });
});
