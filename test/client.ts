export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

function headersFor(options: RequestOptions): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
    ...options.headers,
  };
}

/** A raw POST, for requests that are deliberately not well-formed operations. */
export async function postJson(
  url: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<GraphQLResponse<any>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: headersFor(options),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { errors: [{ message: text }] };
  }
  return { status: response.status, headers: response.headers, ...(Array.isArray(json) ? { data: json } : json) };
}

export const errorCodes = (response: { errors?: { extensions?: { code?: string } }[] }) =>
  (response.errors ?? []).map((e) => e.extensions?.code);
