import { print } from 'graphql';
import { MeDocument } from '../../test/generated/graphql.js';
import type { BenchSystem } from './bench-system.js';
import { bearerHeaders, dataOf, internalHeaders, postGraphQL, requestBody } from './graphql-http.js';
import type { Session, User } from './seed.js';

/** One place the Me query is sent to, with the headers that path needs. */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export const ME_QUERY_BODY = requestBody(MeDocument);
export const ME_QUERY_TEXT = print(MeDocument).replace(/\s+/g, ' ');

/** The gateway as clients call it, and the identity subgraph as the gateway calls it. */
export function meTargets(bench: BenchSystem, session: Session): { gateway: Target; subgraph: Target } {
  const { id: userId, roles } = session.user;
  return {
    gateway: {
      name: 'gateway',
      url: bench.system.url,
      headers: bearerHeaders(session.accessToken),
    },
    subgraph: {
      name: 'identity subgraph',
      url: bench.subgraphUrl('identity'),
      headers: internalHeaders(bench.config.INTERNAL_SECRET, { kind: 'user', userId, roles }),
    },
  };
}

/**
 * Checks that the target answers Me with the seeded user, twice with the same bytes, and
 * returns that body: under load every other body counts as a failure.
 */
export async function verifyMe(target: Target, user: User): Promise<string> {
  const [first, second] = [
    await postGraphQL(target.url, MeDocument, undefined, target.headers),
    await postGraphQL(target.url, MeDocument, undefined, target.headers),
  ];
  const { me } = dataOf(`Me on the ${target.name}`, first);
  const expected = { id: user.id, email: user.email, name: user.name, roles: user.roles };
  if (JSON.stringify(me) !== JSON.stringify(expected)) {
    throw new Error(`Me on the ${target.name} returned ${JSON.stringify(me)}, expected ${JSON.stringify(expected)}`);
  }
  if (first.text !== second.text) {
    throw new Error(
      `Me on the ${target.name} is not byte-stable, so bodies cannot be checked under load:\n${first.text}\n${second.text}`,
    );
  }
  return first.text;
}
