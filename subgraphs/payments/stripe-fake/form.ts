/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys
 * (`metadata[paymentId]=x`, `created[gte]=1`, `expand[0]=y`), as the SDK sends it. Values stay
 * strings; the server converts what it reads.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export function parseForm(body: string): FormObject {
  const out: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.replace(/\]$/, '')));
    let node: FormObject = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i]!;
      node[key] = (typeof node[key] === 'object' && node[key] !== null ? node[key] : {}) as FormObject;
      node = node[key] as FormObject;
    }
    node[parts.at(-1)!] = value;
  }
  return out;
}

export const str = (v: FormValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const obj = (v: FormValue | undefined): FormObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
export const int = (v: FormValue | undefined): number | undefined => {
  const s = str(v);
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined;
};

/** A canonical string of the parameters, for comparing an idempotent retry with the first request. */
export function canonical(v: FormValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`)
    .join(',')}}`;
}
