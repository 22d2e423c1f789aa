import type { CorsOptions } from 'cors';

/**
 * CORS_ORIGINS as the cors middleware's options. A listed origin is echoed back only when the
 * request comes from it; `*` is answered with a literal `*`, never by echoing the caller's
 * Origin. Credentials (cookies) are never allowed: clients authenticate with bearer tokens,
 * so a page on another origin can only do what its own token allows. Empty: no CORS headers,
 * browsers keep other origins out (the production default).
 */
export function corsOptions(setting: string): CorsOptions {
  const origins = setting
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    origin: origins.includes('*') ? '*' : origins.length > 0 ? origins : false,
    credentials: false,
  };
}
