/** Events travel as JSON in both implementations, so the embedded default behaves as Redis does. */
export function encodeEvent(payload: unknown): string {
  const data = JSON.stringify(payload);
  if (data === undefined)
    throw new TypeError('an event payload must be JSON-serialisable (got undefined or a function)');
  return data;
}

export function decodeEvent<T>(data: string): T {
  return JSON.parse(data) as T;
}
