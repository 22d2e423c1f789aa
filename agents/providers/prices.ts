/** USD per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices at the time of writing; they change, so deployments override them through
 * config. Keys match a model id exactly or as a prefix ("gpt-4.1" covers "gpt-4.1-2025-04-14").
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
  'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'deepseek-chat': { inputPerMTok: 0.28, outputPerMTok: 0.42 },
  'deepseek-reasoner': { inputPerMTok: 0.28, outputPerMTok: 0.42 },
  'grok-3-mini': { inputPerMTok: 0.3, outputPerMTok: 0.5 },
  'grok-3': { inputPerMTok: 3, outputPerMTok: 15 },
};

/** Unknown models are priced high on purpose: a budget should over-count, never under-count. */
export const UNKNOWN_MODEL_PRICE: ModelPrice = { inputPerMTok: 15, outputPerMTok: 75 };

export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice {
  if (Object.hasOwn(table, model)) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : UNKNOWN_MODEL_PRICE;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export function costUsd(model: string, usage: TokenUsage, table: PriceTable = DEFAULT_PRICES): number {
  const price = priceFor(model, table);
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}

/** A rough count (4 characters a token) for estimating a call before it is made. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
