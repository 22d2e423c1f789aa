import { MAX_BATCH_SIZE } from './batch.js';
import { checkRounds, decodeRounds, latestRound, MAX_FRAMES_PER_UPLOAD, MAX_ROUNDS_PER_UPLOAD } from './rounds.js';

const at = (s: number) => new Date(Date.UTC(2025, 2, 1, 10, 0, s));
const round = (s: number, frames: string[]) => ({ recordedAt: at(s), frames });

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('checkRounds', () => {
  it('takes up to the limits', () => {
    expect(() => checkRounds([round(0, ['41 0C 1A F8'])])).not.toThrow();
    const perRound = Math.floor(MAX_FRAMES_PER_UPLOAD / MAX_ROUNDS_PER_UPLOAD);
    expect(() =>
      checkRounds(Array.from({ length: MAX_ROUNDS_PER_UPLOAD }, (_, i) => round(i, Array(perRound).fill('NO DATA')))),
    ).not.toThrow();
  });

  it('refuses an empty upload, too many rounds, too many frames in a round or in all, with BAD_USER_INPUT naming the field', () => {
    expect(refusal(() => checkRounds([]))).toEqual({ code: 'BAD_USER_INPUT', field: 'rounds' });
    expect(
      refusal(() => checkRounds(Array.from({ length: MAX_ROUNDS_PER_UPLOAD + 1 }, (_, i) => round(i, [])))),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'rounds' });
    expect(refusal(() => checkRounds([round(0, []), round(1, Array(MAX_BATCH_SIZE + 1).fill('NO DATA'))]))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'rounds.1.frames',
    });
    const many = Array.from({ length: 5 }, (_, i) => round(i, Array(MAX_BATCH_SIZE).fill('NO DATA')));
    expect(refusal(() => checkRounds(many))).toEqual({ code: 'BAD_USER_INPUT', field: 'rounds' });
  });
});

describe('decodeRounds', () => {
  it('stamps each round with its own time, reports errors by round and index, and trouble codes per round', () => {
    const batch = decodeRounds([
      round(0, ['41 0C 1A F8', 'ZZ']),
      round(1, ['NO DATA', '41 0D 32', '43 01 03 01']),
      round(2, ['41 0C']),
    ]);
    expect(batch.accepted).toBe(4);
    expect(batch.rejected).toBe(2);
    expect(batch.readings.map((r) => [r.pid, r.recordedAt])).toEqual([
      ['0C', at(0)],
      ['0D', at(1)],
    ]);
    expect(batch.errors.map((e) => [e.round, e.index, e.code])).toEqual([
      [0, 1, 'MALFORMED'],
      [2, 0, 'TRUNCATED'],
    ]);
    expect(batch.dtcs).toEqual([{ mode: 'confirmed', codes: ['P0301'], at: at(1) }]);
  });

  it('reports the latest round’s time', () => {
    expect(latestRound([round(5, []), round(9, []), round(7, [])])).toEqual(at(9));
  });
});
