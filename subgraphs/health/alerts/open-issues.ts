import type { OpenIssue } from '../maintenance/recommendations.js';
import type { AlertDocument } from './alert.store.js';

export const toOpenIssue = (doc: AlertDocument): OpenIssue => ({
  rule: doc.rule,
  part: doc.part,
  severity: doc.severity,
  message: doc.message,
});
