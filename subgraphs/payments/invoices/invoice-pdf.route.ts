import type { Router } from 'express';
import { decodeViewer, VIEWER_HEADER } from '../../../platform/auth/viewer.js';
import { ClutchError, ErrorCode } from '../../../platform/errors.js';
import { INVOICE_PDF_ROUTE } from '../contract.js';
import type { InvoiceService } from './invoice.service.js';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/**
 * The same rules as the `invoice(id)` field: the customer's own, their centres' for members,
 * everyone's for staff; anything else is 404 NOT_FOUND, the same as an invoice that does not exist.
 */
export function mountInvoicePdfRoute(router: Router, invoices: InvoiceService): void {
  router.get(INVOICE_PDF_ROUTE, async (req, res, next) => {
    const viewer = decodeViewer(req.header(VIEWER_HEADER));
    if (!viewer) {
      res
        .status(401)
        .json({ errors: [{ message: 'Authentication required', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
      return;
    }
    try {
      const { invoice, pdf } = await invoices.pdf(viewer, String(req.params.id));
      res
        .status(200)
        .set({
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="${invoice.number!.display}.pdf"`,
          'cache-control': 'private, no-store',
        })
        .send(pdf);
    } catch (error) {
      if (!(error instanceof ClutchError)) return next(error);
      res
        .status(STATUS[error.code] ?? 500)
        .json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
  });
}
