import { GraphQLScalarType } from 'graphql';
import { instanceOf } from 'graphql/jsutils/instanceOf.js';

/**
 * Whether graphql-js loaded in production mode. Outside it, instanceOf throws on an object that
 * only claims to be one of its classes (its check for a second copy of graphql); in production
 * it is a plain instanceof.
 */
export function graphqlRunsAsProduction(): boolean {
  const impostor = { [Symbol.toStringTag]: 'GraphQLScalarType' };
  try {
    return instanceOf(impostor, GraphQLScalarType) === false;
  } catch {
    return false;
  }
}
