/** ISO 4217 codes the runtime's ICU knows (Node ships full ICU): no hand-kept list to go stale. */
const KNOWN = new Set(Intl.supportedValuesOf('currency'));

/** Whether `code` is an ISO 4217 currency code, upper case (EUR, not eur or EURO). */
export const isCurrencyCode = (code: string): boolean => /^[A-Z]{3}$/.test(code) && KNOWN.has(code);
