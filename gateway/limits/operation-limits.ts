import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { Lexer, Source, TokenKind, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCode, LimitError } from '../../platform/errors.js';
import { finiteFloatsRule } from './finite-numbers.js';

/**
 * Limits every operation must fit, over HTTP and WebSocket alike. Each can be set through the
 * environment variable named beside it; a request over any of them is refused with the code
 * named beside it, before anything is executed.
 */
export interface OperationLimits {
  /** Deepest field nesting. GRAPHQL_MAX_DEPTH, default 12 → QUERY_TOO_DEEP. */
  maxDepth: number;
  /** Aliases in one operation. GRAPHQL_MAX_ALIASES, default 15 → TOO_MANY_ALIASES. */
  maxAliases: number;
  /** Estimated cost (object 2, scalar 1, ×1.5 per level). GRAPHQL_MAX_COST, default 5000 → QUERY_TOO_COMPLEX. */
  maxCost: number;
  /** Lexical tokens in one document. GRAPHQL_MAX_TOKENS, default 5000 → TOO_MANY_TOKENS. */
  maxTokens: number;
}

function reportAs(code: ErrorCode, limit: number) {
  return {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (ctx: ValidationContext | null, error: Error) => ctx?.reportError(new LimitError(code, error.message, limit)),
    ],
  };
}

/**
 * Validation rules that enforce depth, aliases and cost, each with its own error code, and
 * that numbers fit a double (GRAPHQL_VALIDATION_FAILED).
 */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    finiteFloatsRule,
    maxDepthRule({ n: limits.maxDepth, ...reportAs(ErrorCode.QUERY_TOO_DEEP, limits.maxDepth) }),
    // __typename aliases count too: a thousand of them are still a thousand resolutions.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...reportAs(ErrorCode.TOO_MANY_ALIASES, limits.maxAliases) }),
    costLimitRule({ maxCost: limits.maxCost, ...reportAs(ErrorCode.QUERY_TOO_COMPLEX, limits.maxCost) }),
  ] as ValidationRule[];
}

/**
 * Counts tokens and stops one past `max`, so a huge document costs no more than a small one
 * to refuse. A lexical error ends the count: parsing will report it properly later.
 */
export function countTokens(source: string, max: number): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (count <= max && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // left for the parser to report
  }
  return count;
}

export function assertTokenLimit(source: string, max: number): void {
  if (countTokens(source, max) > max) {
    throw new LimitError(ErrorCode.TOO_MANY_TOKENS, `The document has more than ${max} tokens`, max);
  }
}
