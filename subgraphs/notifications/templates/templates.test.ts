import { NOTIFICATION_KINDS } from '../vocabulary.js';
import { render } from './templates.js';

const vars = {
  alertId: 'a1',
  vehicleId: 'v1',
  message: 'Coolant at 118 °C <hot>',
  severity: 'CRITICAL',
  bookingId: 'b1',
  service: 'BRAKES',
  status: 'CONFIRMED',
  slotStart: '2026-03-10T09:00:00.000Z',
  orderId: 'o1',
  totalMinor: '12345',
  currency: 'AED',
};

describe('templates', () => {
  it('renders every kind in English and Arabic, text and HTML, with a deep link', () => {
    for (const kind of NOTIFICATION_KINDS) {
      for (const locale of ['en', 'ar'] as const) {
        const message = render(kind, vars, { locale, timeZone: 'Asia/Dubai' });
        expect(message.title.length).toBeGreaterThan(0);
        expect(message.html).toContain(`lang="${locale}"`);
        expect(message.deepLink).toMatch(/^clutch:\/\//);
        expect(message.data.kind).toBe(kind);
      }
    }
  });

  it('writes Arabic right to left and escapes event values in HTML', () => {
    const ar = render('ALERT_OPENED', vars, { locale: 'ar', timeZone: 'UTC' });
    expect(ar.html).toContain('dir="rtl"');
    expect(ar.title).toContain('حرج');
    expect(ar.html).toContain('&lt;hot&gt;');
    expect(ar.html).not.toContain('<hot>');
    expect(render('ALERT_OPENED', vars, { locale: 'en', timeZone: 'UTC' }).html).toContain('dir="ltr"');
    expect(ar.deepLink).toBe('clutch://vehicles/v1/alerts/a1');
    expect(ar.data).toMatchObject({ screen: 'alert', vehicleId: 'v1', alertId: 'a1' });
  });

  it('ends a sentence once when the alert message ends with its own stop', () => {
    for (const kind of ['ALERT_OPENED', 'ALERT_ESCALATED', 'ALERT_RESOLVED'] as const) {
      for (const locale of ['en', 'ar'] as const) {
        const message = render(
          kind,
          { ...vars, message: 'Engine too hot, stop and let it cool.' },
          { locale, timeZone: 'UTC' },
        );
        expect(message.text).toContain('let it cool');
        expect(message.text).not.toContain('cool..');
      }
    }
  });

  it("shows times in the user's zone and money in major units", () => {
    const booking = render('BOOKING_CHANGED', vars, { locale: 'en', timeZone: 'Asia/Dubai' });
    expect(booking.text).toContain('1:00'); // 09:00 UTC is 13:00 in Dubai
    const order = render('ORDER_UPDATED', vars, { locale: 'en', timeZone: 'UTC' });
    expect(order.text).toContain('123.45');
  });

  it('puts the unsubscribe link in both parts of a marketing message', () => {
    const url = 'https://app.example/unsubscribe?token=abc';
    const m = render(
      'MARKETING',
      { headline: 'Spring offer', body: 'Brakes -20%' },
      { locale: 'en', timeZone: 'UTC', unsubscribeUrl: url },
    );
    expect(m.text).toContain(url);
    expect(m.html).toContain(`href="${url}"`);
    expect(m.unsubscribeUrl).toBe(url);
  });
});
