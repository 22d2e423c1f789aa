import { groupRounds, MAX_REQUEST_BYTES, requestsOf, type Sample } from './uploader.js';

const device = { vehicleId: 'v1', deviceToken: 'dt_x', keyPrefix: 'run-v1' };
const round = (index: number, frames = 10, upload?: string): Sample => ({
  index,
  recordedAt: new Date(Date.UTC(2025, 2, 1, 10, 0, index)),
  frames: Array(frames).fill('41 0C 1A F8'),
  upload,
});

describe('groupRounds', () => {
  it('puts fresh rounds together, at most 120 rounds and 2,000 frames an upload, keyed by their first and last round', () => {
    const groups = groupRounds(
      device,
      Array.from({ length: 250 }, (_, i) => round(i, 1)),
    );
    expect(groups.map((g) => [g.key, g.rounds.length])).toEqual([
      ['run-v1-r0-119', 120],
      ['run-v1-r120-239', 120],
      ['run-v1-r240-249', 10],
    ]);
    const heavy = groupRounds(
      device,
      Array.from({ length: 5 }, (_, i) => round(i, 600)),
    );
    expect(heavy.map((g) => g.rounds.length)).toEqual([3, 2]);
  });

  it('keeps the rounds of an upload sent before together under its key, apart from fresh ones', () => {
    const groups = groupRounds(device, [round(0, 1, 'run-v1-r0-1'), round(1, 1, 'run-v1-r0-1'), round(2), round(3)]);
    expect(groups.map((g) => [g.key, g.rounds.map((r) => r.index)])).toEqual([
      ['run-v1-r0-1', [0, 1]],
      ['run-v1-r2-3', [2, 3]],
    ]);
  });
});

describe('requestsOf', () => {
  it('sends at most ten uploads, and about MAX_REQUEST_BYTES of frames, in one HTTP request', () => {
    const small = Array.from({ length: 25 }, (_, i) => ({ rounds: [round(i)] }));
    expect(requestsOf(small).map((r) => r.length)).toEqual([10, 10, 5]);
    // Uploads of 120 rounds of 15 frames: about 27 KB each, so two to a request.
    const big = Array.from({ length: 5 }, () => ({ rounds: Array.from({ length: 120 }, (_, i) => round(i, 15)) }));
    const requests = requestsOf(big);
    expect(requests.map((r) => r.length)).toEqual([2, 2, 1]);
    for (const request of requests) {
      const bytes = JSON.stringify(request.flatMap((g) => g.rounds.map((r) => [r.recordedAt, r.frames]))).length;
      expect(bytes).toBeLessThan(MAX_REQUEST_BYTES * 1.2);
    }
  });
});
