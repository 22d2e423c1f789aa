import { DateTime } from 'luxon';
import type { RenderedMessage } from '../channels/channel.js';
import { isRightToLeft, type Locale, type NotificationKind } from '../vocabulary.js';

/** What a source gives a template: flat strings (ids, codes, ISO times, amounts in minor units). */
export type TemplateVars = Record<string, string>;

interface Words {
  title: string;
  body: string;
}

interface Template {
  /** Where the app opens, and the parameters it routes by. */
  link(v: TemplateVars): { deepLink: string; data: Record<string, string> };
  words: Record<Locale, (v: TemplateVars, f: Formatters) => Words>;
}

interface Formatters {
  /** An ISO instant in the user's zone and language. */
  time(iso: string | undefined): string;
  /** Minor units and an ISO 4217 currency, in the user's language. */
  money(minor: string | undefined, currency: string | undefined): string;
  /** A status or service code in the user's language. */
  word(code: string | undefined): string;
}

const AR_WORDS: Record<string, string> = {
  REQUESTED: 'مطلوب',
  CONFIRMED: 'مؤكد',
  DECLINED: 'مرفوض',
  IN_PROGRESS: 'قيد التنفيذ',
  COMPLETED: 'مكتمل',
  CANCELLED: 'ملغى',
  NO_SHOW: 'لم يحضر',
  PENDING_PAYMENT: 'بانتظار الدفع',
  PAID: 'مدفوع',
  READY: 'جاهز',
  SHIPPED: 'تم الشحن',
  REFUNDED: 'مسترد',
  ACCEPTED: 'مقبول',
  EN_ROUTE: 'في الطريق',
  ARRIVED: 'وصل',
  OIL_CHANGE: 'تغيير الزيت',
  BRAKES: 'الفرامل',
  BATTERY: 'البطارية',
  TYRES: 'الإطارات',
  DIAGNOSTICS: 'الفحص',
  COOLING: 'نظام التبريد',
  GENERAL_SERVICE: 'الصيانة العامة',
  ROADSIDE: 'المساعدة على الطريق',
  CRITICAL: 'حرج',
  HIGH: 'مرتفع',
  MEDIUM: 'متوسط',
  LOW: 'منخفض',
  INFO: 'معلومة',
};

/** A message that ends a sentence of its own would end ours with two stops ("cool.."). */
export const clause = (message: string | undefined) => (message ?? '').replace(/[.!?\s]+$/u, '');

const humanize = (code: string) => code.toLowerCase().replace(/_/g, ' ');

const link = (path: string, data: Record<string, string | undefined>) => ({
  deepLink: `clutch://${path}`,
  data: Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string')),
});

const alertLink = (v: TemplateVars) =>
  link(`vehicles/${v.vehicleId}/alerts/${v.alertId}`, { screen: 'alert', vehicleId: v.vehicleId, alertId: v.alertId });

export const TEMPLATES: Record<NotificationKind, Template> = {
  ALERT_OPENED: {
    link: alertLink,
    words: {
      en: (v, f) => ({
        title: `${f.word(v.severity)} alert: ${v.message}`,
        body: `Your vehicle reported: ${clause(v.message)}. Open the app for what to do next.`,
      }),
      ar: (v, f) => ({
        title: `تنبيه ${f.word(v.severity)}: ${v.message}`,
        body: `أبلغت مركبتك عن: ${clause(v.message)}. افتح التطبيق لمعرفة الخطوة التالية.`,
      }),
    },
  },
  ALERT_ESCALATED: {
    link: alertLink,
    words: {
      en: (v, f) => ({
        title: `Alert now ${f.word(v.severity)}: ${v.message}`,
        body: `An alert on your vehicle got worse: ${clause(v.message)}.`,
      }),
      ar: (v, f) => ({
        title: `أصبح التنبيه ${f.word(v.severity)}: ${v.message}`,
        body: `ازداد تنبيه مركبتك سوءاً: ${clause(v.message)}.`,
      }),
    },
  },
  ALERT_RESOLVED: {
    link: alertLink,
    words: {
      en: (v) => ({
        title: `Resolved: ${v.message}`,
        body: `The alert on your vehicle is resolved: ${clause(v.message)}.`,
      }),
      ar: (v) => ({ title: `تم الحل: ${v.message}`, body: `تم حل التنبيه الخاص بمركبتك: ${clause(v.message)}.` }),
    },
  },
  OWNER_NOTICE: {
    link: (v) => link(`vehicles/${v.vehicleId}`, { screen: 'vehicle', vehicleId: v.vehicleId }),
    words: {
      en: (v) => ({ title: 'Important: your vehicle needs attention', body: v.message ?? '' }),
      ar: (v) => ({ title: 'هام: مركبتك تحتاج إلى اهتمام', body: v.message ?? '' }),
    },
  },
  BOOKING_CHANGED: {
    link: (v) => link(`bookings/${v.bookingId}`, { screen: 'booking', bookingId: v.bookingId }),
    words: {
      en: (v, f) => ({
        title: `Booking ${f.word(v.status)}`,
        body: `${f.word(v.service)} on ${f.time(v.slotStart)}: ${f.word(v.status)}.`,
      }),
      ar: (v, f) => ({
        title: `الحجز ${f.word(v.status)}`,
        body: `${f.word(v.service)} في ${f.time(v.slotStart)}: ${f.word(v.status)}.`,
      }),
    },
  },
  BOOKING_REMINDER: {
    link: (v) => link(`bookings/${v.bookingId}`, { screen: 'booking', bookingId: v.bookingId }),
    words: {
      en: (v, f) => ({ title: 'Booking reminder', body: `${f.word(v.service)} is booked for ${f.time(v.slotStart)}.` }),
      ar: (v, f) => ({ title: 'تذكير بالحجز', body: `موعد ${f.word(v.service)} في ${f.time(v.slotStart)}.` }),
    },
  },
  ORDER_UPDATED: {
    link: (v) => link(`orders/${v.orderId}`, { screen: 'order', orderId: v.orderId }),
    words: {
      en: (v, f) => ({
        title: `Order ${f.word(v.status)}`,
        body: `Your order of ${f.money(v.totalMinor, v.currency)} is ${f.word(v.status)}.`,
      }),
      ar: (v, f) => ({
        title: `الطلب ${f.word(v.status)}`,
        body: `طلبك بقيمة ${f.money(v.totalMinor, v.currency)} أصبح ${f.word(v.status)}.`,
      }),
    },
  },
  PAYMENT_SUCCEEDED: {
    link: (v) => link(`payments/${v.paymentId}`, { screen: 'payment', paymentId: v.paymentId }),
    words: {
      en: (v, f) => ({
        title: 'Payment received',
        body: `We received ${f.money(v.amountMinor, v.currency)}. Thank you.`,
      }),
      ar: (v, f) => ({ title: 'تم استلام الدفعة', body: `استلمنا ${f.money(v.amountMinor, v.currency)}. شكراً لك.` }),
    },
  },
  PAYMENT_FAILED: {
    link: (v) => link(`payments/${v.paymentId}`, { screen: 'payment', paymentId: v.paymentId }),
    words: {
      en: (v, f) => ({
        title: 'Payment failed',
        body: `Your payment of ${f.money(v.amountMinor, v.currency)} did not go through${v.failureCode ? ` (${humanize(v.failureCode)})` : ''}.`,
      }),
      ar: (v, f) => ({ title: 'فشلت عملية الدفع', body: `لم تتم دفعتك بقيمة ${f.money(v.amountMinor, v.currency)}.` }),
    },
  },
  PAYMENT_REFUNDED: {
    link: (v) => link(`payments/${v.paymentId}`, { screen: 'payment', paymentId: v.paymentId }),
    words: {
      en: (v, f) => ({
        title: 'Refund issued',
        body: `${f.money(v.refundedMinor, v.currency)} is on its way back to you.`,
      }),
      ar: (v, f) => ({ title: 'تم إصدار استرداد', body: `سيُعاد إليك مبلغ ${f.money(v.refundedMinor, v.currency)}.` }),
    },
  },
  ROADSIDE_UPDATED: {
    link: (v) => link(`roadside/${v.requestId}`, { screen: 'roadside', requestId: v.requestId }),
    words: {
      en: (v, f) => ({
        title: `Roadside help: ${f.word(v.status)}`,
        body: `Your roadside request is ${f.word(v.status)}.`,
      }),
      ar: (v, f) => ({
        title: `المساعدة على الطريق: ${f.word(v.status)}`,
        body: `حالة طلب المساعدة: ${f.word(v.status)}.`,
      }),
    },
  },
  STOCK_LOW: {
    link: (v) =>
      link(`centres/${v.centreId}/inventory/${v.partId}`, {
        screen: 'inventory',
        centreId: v.centreId,
        partId: v.partId,
      }),
    words: {
      en: (v) => ({
        title: `Low stock: ${v.name}`,
        body: `${v.name} (${v.sku}) is down to ${v.quantity} (threshold ${v.threshold}).`,
      }),
      ar: (v) => ({
        title: `مخزون منخفض: ${v.name}`,
        body: `تبقى من ${v.name} (${v.sku}) ${v.quantity} فقط (الحد ${v.threshold}).`,
      }),
    },
  },
  MARKETING: {
    link: (v) => link('offers', { screen: 'offers', campaign: v.campaign }),
    words: {
      en: (v) => ({ title: v.headline ?? 'News from Clutch', body: v.body ?? '' }),
      ar: (v) => ({ title: v.headlineAr ?? v.headline ?? 'أخبار من كلتش', body: v.bodyAr ?? v.body ?? '' }),
    },
  },
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const UNSUBSCRIBE: Record<Locale, string> = { en: 'Unsubscribe', ar: 'إلغاء الاشتراك' };
const OPEN: Record<Locale, string> = { en: 'Open in the app', ar: 'افتح في التطبيق' };

function formatters(locale: Locale, timeZone: string): Formatters {
  return {
    time: (iso) => {
      const at = iso ? DateTime.fromISO(iso, { zone: 'utc' }) : null;
      if (!at?.isValid) return iso ?? '';
      return at.setZone(timeZone).setLocale(locale).toLocaleString(DateTime.DATETIME_MED);
    },
    money: (minor, currency) => {
      const amount = Number(minor);
      if (!Number.isFinite(amount) || !currency) return `${minor ?? ''} ${currency ?? ''}`.trim();
      const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(amount / 10 ** digits);
    },
    word: (code) => (code === undefined ? '' : locale === 'ar' ? (AR_WORDS[code] ?? humanize(code)) : humanize(code)),
  };
}

/**
 * The message for one user: plain text, and an HTML document whose `lang` and `dir` follow the
 * language (Arabic right to left). Every value from an event is escaped in the HTML.
 * `unsubscribeUrl` (marketing) is put in both parts.
 */
export function render(
  kind: NotificationKind,
  vars: TemplateVars,
  options: { locale: Locale; timeZone: string; unsubscribeUrl?: string },
): RenderedMessage {
  const template = TEMPLATES[kind];
  const { locale } = options;
  const words = template.words[locale](vars, formatters(locale, options.timeZone));
  const { deepLink, data } = template.link(vars);
  const dir = isRightToLeft(locale) ? 'rtl' : 'ltr';
  const unsubscribe = options.unsubscribeUrl;
  const text = unsubscribe ? `${words.body}\n\n${UNSUBSCRIBE[locale]}: ${unsubscribe}` : words.body;
  const html = [
    `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(words.title)}</title></head>`,
    `<body dir="${dir}"><h1>${escapeHtml(words.title)}</h1><p>${escapeHtml(words.body)}</p>`,
    `<p><a href="${escapeHtml(deepLink)}">${OPEN[locale]}</a></p>`,
    unsubscribe ? `<p><a href="${escapeHtml(unsubscribe)}">${UNSUBSCRIBE[locale]}</a></p>` : '',
    '</body></html>',
  ].join('');
  return {
    locale,
    title: words.title,
    text,
    html,
    deepLink,
    data: { ...data, kind },
    ...(unsubscribe ? { unsubscribeUrl: unsubscribe } : {}),
  };
}
