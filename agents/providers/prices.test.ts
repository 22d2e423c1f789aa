import { costUsd, estimateTokens, priceFor, UNKNOWN_MODEL_PRICE } from './prices.js';

describe('prices', () => {
  it('matches a model exactly or by its longest known prefix', () => {
    expect(priceFor('gpt-4.1')).toEqual({ inputPerMTok: 2, outputPerMTok: 8 });
    expect(priceFor('gpt-4.1-mini-2025-04-14')).toEqual({ inputPerMTok: 0.4, outputPerMTok: 1.6 });
    expect(priceFor('gpt-4.1-2025-04-14')).toEqual({ inputPerMTok: 2, outputPerMTok: 8 });
  });

  it('prices an unknown model high rather than free', () => {
    expect(priceFor('mystery-model')).toBe(UNKNOWN_MODEL_PRICE);
    expect(costUsd('mystery-model', { inputTokens: 1000, outputTokens: 1000 })).toBeGreaterThan(0.05);
  });

  it('computes cost from token usage and accepts an overriding table', () => {
    expect(costUsd('deepseek-chat', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(0.7);
    expect(
      costUsd('custom', { inputTokens: 2_000_000, outputTokens: 0 }, { custom: { inputPerMTok: 1, outputPerMTok: 1 } }),
    ).toBe(2);
  });

  it('estimates tokens at about four characters each', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('abcdefghi')).toBe(3);
  });
});
