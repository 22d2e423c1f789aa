import type { GraphQLFormattedError } from 'graphql';

/**
 * graphql-js appends " Did you mean …?" (field, argument, type, input-field and enum-value
 * names) to validation and variable errors, always at the end of the message it builds and
 * with GraphQL names that cannot hold a "?". graphql 16 has no switch for it, so production
 * rewrites the message: otherwise a client could walk the schema by typo, which is exactly
 * what the introspection restriction forbids.
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

export function hideSuggestions<T extends GraphQLFormattedError>(error: T): T {
  const message = withoutSuggestions(error.message);
  return message === error.message ? error : { ...error, message };
}
