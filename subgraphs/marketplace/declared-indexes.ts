import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { AUDIT_INDEXES, AuditStore } from './audit/audit.store.js';
import { CENTRE_INDEXES, CentreStore } from './centres/centre.store.js';
import { APPLICATION_INDEXES, ApplicationStore } from './partners/application.store.js';

/** Every index the marketplace stores declare, by collection (bookings and reviews add theirs). */
export const MARKETPLACE_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [CentreStore.collection]: CENTRE_INDEXES,
  [ApplicationStore.collection]: APPLICATION_INDEXES,
  [AuditStore.collection]: AUDIT_INDEXES,
};
