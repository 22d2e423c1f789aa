import { z } from 'zod';
import { isCurrencyCode } from '../money/currency.js';
import { canonicalZone } from '../time/zone.js';
import { ServiceKind, Weekday, type Closure, type OpeningHours, type ServiceOffering } from './centre.type.js';
import { parseClock, WEEKDAYS } from './opening-hours.js';

/** Bounds on what a partner enters; each refusal is BAD_USER_INPUT naming the field. */
export const CENTRE_LIMITS = {
  maxServices: 20,
  maxOpeningIntervals: 28,
  maxClosures: 100,
  maxClosureDays: 366,
  maxBays: 50,
  maxPriceMinor: 10_000_000,
  minDurationMinutes: 5,
  maxDurationMinutes: 720,
};

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `is longer than ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const latSchema = z.number().finite().min(-90, 'lat must be -90 to 90').max(90, 'lat must be -90 to 90');
export const lngSchema = z.number().finite().min(-180, 'lng must be -180 to 180').max(180, 'lng must be -180 to 180');
export const geoPointSchema = z.object({ lat: latSchema, lng: lngSchema });

const timezoneSchema = z.string().transform((value, ctx) => {
  const zone = canonicalZone(value);
  if (!zone) {
    ctx.addIssue({
      code: 'custom',
      message: `timezone ${JSON.stringify(value.slice(0, 64))} is not an IANA time zone`,
    });
    return z.NEVER;
  }
  return zone;
});

const serviceSchema = z.object({
  kind: z.enum(ServiceKind),
  priceMinor: z.number().int('priceMinor must be whole minor units').min(0).max(CENTRE_LIMITS.maxPriceMinor),
  currency: z
    .string()
    .refine(isCurrencyCode, 'currency must be an ISO 4217 code such as EUR')
    .transform((c) => c),
  durationMinutes: z
    .number()
    .int()
    .min(CENTRE_LIMITS.minDurationMinutes)
    .max(CENTRE_LIMITS.maxDurationMinutes)
    .refine((m) => m % 5 === 0, 'durationMinutes must be a multiple of 5'),
});

export const servicesSchema = z
  .array(serviceSchema)
  .min(1, 'at least one service is required')
  .max(CENTRE_LIMITS.maxServices)
  .refine((list) => new Set(list.map((s) => s.kind)).size === list.length, 'a service kind appears twice')
  .transform((list): ServiceOffering[] => list.map((s) => ({ ...s })));

const clock = (what: string) =>
  z.string().refine((v) => {
    const minutes = parseClock(v);
    return minutes !== null && minutes % 5 === 0;
  }, `${what} must be HH:MM on a 5-minute mark`);

export const openingHoursSchema = z
  .array(z.object({ day: z.enum(Weekday), opens: clock('opens'), closes: clock('closes') }))
  .max(CENTRE_LIMITS.maxOpeningIntervals)
  .superRefine((hours, ctx) => {
    for (const day of WEEKDAYS) {
      const spans = hours
        .filter((h) => h.day === day)
        .map((h) => [parseClock(h.opens)!, parseClock(h.closes)!] as const)
        .sort((a, b) => a[0] - b[0]);
      for (const [i, [opens, closes]] of spans.entries()) {
        if (opens >= closes || opens === 24 * 60) {
          ctx.addIssue({ code: 'custom', message: `${day}: opens must be before closes` });
          return;
        }
        if (i > 0 && opens < spans[i - 1]![1]) {
          ctx.addIssue({ code: 'custom', message: `${day}: opening intervals overlap` });
          return;
        }
      }
    }
  })
  .transform((list): OpeningHours[] => list.map((h) => ({ day: h.day, opens: h.opens, closes: h.closes })));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'is not a calendar date',
    },
  );

export const closuresSchema = z
  .array(z.object({ from: isoDate, to: isoDate, reason: text(200).nullish() }))
  .max(CENTRE_LIMITS.maxClosures)
  .superRefine((closures, ctx) => {
    for (const [i, c] of closures.entries()) {
      const days = (Date.parse(c.to) - Date.parse(c.from)) / 86_400_000;
      if (days < 0) ctx.addIssue({ code: 'custom', path: [i, 'to'], message: 'to must not be before from' });
      else if (days >= CENTRE_LIMITS.maxClosureDays)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'to'],
          message: `a closure lasts at most ${CENTRE_LIMITS.maxClosureDays} days`,
        });
    }
  })
  .transform((list): Closure[] => list.map((c) => ({ from: c.from, to: c.to, reason: c.reason ?? null })));

const baysSchema = z.number().int().min(1, 'bays must be at least 1').max(CENTRE_LIMITS.maxBays);
const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{5,30}$/, 'phone must be digits, spaces and + ( ) . / - only (5 to 30)');

export const applicationSchema = z.object({
  name: text(120),
  address: text(300),
  location: geoPointSchema,
  phone: phoneSchema,
  timezone: timezoneSchema,
  services: servicesSchema,
  openingHours: openingHoursSchema,
  bays: baysSchema,
});
export type ApplicationDetails = z.infer<typeof applicationSchema>;

/** A partner's edit: every field optional; closures replace the list. */
export const centreUpdateSchema = z.object({
  name: text(120).optional(),
  address: text(300).optional(),
  phone: phoneSchema.optional(),
  timezone: timezoneSchema.optional(),
  services: servicesSchema.optional(),
  openingHours: openingHoursSchema.optional(),
  closures: closuresSchema.optional(),
  bays: baysSchema.optional(),
});
export type CentreUpdate = z.infer<typeof centreUpdateSchema>;

export const reasonSchema = text(500);
