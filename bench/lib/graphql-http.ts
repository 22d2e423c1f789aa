import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { INTERNAL_SECRET_HEADER, VIEWER_HEADER, encodeViewer, type Viewer } from '../../platform/auth/viewer.js';

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a client sends to the gateway. */
export const bearerHeaders = (token: string) => ({ ...JSON_HEADERS, authorization: `Bearer ${token}` });

/** What the gateway sends to a subgraph on `viewer`'s behalf: to call one straight. */
export const internalHeaders = (internalSecret: string, viewer: Viewer) => ({
  ...JSON_HEADERS,
  [INTERNAL_SECRET_HEADER]: internalSecret,
  [VIEWER_HEADER]: encodeViewer(viewer),
});

export interface RawResponse<TData> {
  status: number;
  /** The body exactly as sent, for byte-for-byte comparison under load. */
  text: string;
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export const requestBody = <TData, TVars>(document: TypedDocumentNode<TData, TVars>, variables?: TVars) =>
  JSON.stringify({ query: print(document), variables });

export async function postGraphQL<TData, TVars>(
  url: string,
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars | undefined,
  headers: Record<string, string>,
): Promise<RawResponse<TData>> {
  const response = await fetch(url, { method: 'POST', headers, body: requestBody(document, variables) });
  const text = await response.text();
  try {
    return { status: response.status, text, ...(JSON.parse(text) as Pick<RawResponse<TData>, 'data' | 'errors'>) };
  } catch {
    return { status: response.status, text, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/** The data of a successful answer, or an error that says what came back instead. */
export function dataOf<TData>(what: string, response: RawResponse<TData>): TData {
  if (response.status !== 200 || response.errors?.length || !response.data) {
    throw new Error(`${what} failed: HTTP ${response.status} ${response.text.slice(0, 500)}`);
  }
  return response.data;
}
