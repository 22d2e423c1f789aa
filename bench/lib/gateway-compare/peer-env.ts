import { verifyAccessToken } from '../../../platform/auth/jwt.js';
import { encodeViewer } from '../../../platform/auth/viewer.js';

/*
 * What a peer gateway (Hive Gateway, stock @apollo/gateway) needs to stand where ours does:
 * the supergraph, the subgraphs' URLs, and the trust headers the subgraphs expect (the internal
 * secret and the viewer, taken from a verified access token, as ours forwards them).
 */
export interface PeerEnv {
  port: number;
  supergraphPath: string;
  subgraphUrls: Record<string, string>;
  jwtSecret: string;
  internalSecret: string;
}

export function peerEnv(): PeerEnv {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    port: Number(need('PEER_PORT')),
    supergraphPath: need('PEER_SUPERGRAPH'),
    subgraphUrls: JSON.parse(need('PEER_SUBGRAPH_URLS')) as Record<string, string>,
    jwtSecret: need('JWT_SECRET'),
    internalSecret: need('INTERNAL_SECRET'),
  };
}

/** The supergraph with each subgraph's URL where it runs here (the committed one names production hosts). */
export function supergraphAt(sdl: string, urls: Record<string, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
}

/** The encoded viewer of a `Bearer <jwt>` header, undefined without one; throws for a bad token. */
export function viewerHeaderOf(jwtSecret: string, authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (!token) throw new Error('Authorization must be "Bearer <token>"');
  const claims = verifyAccessToken(jwtSecret, token);
  return encodeViewer({ kind: 'user', userId: claims.sub, roles: claims.roles });
}
