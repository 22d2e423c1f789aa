import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { API_KEY_INDEXES, ApiKeyStore } from './api-keys/api-key.store.js';
import { AUDIT_INDEXES, AuditStore } from './audit/audit.store.js';
import { REFRESH_TOKEN_INDEXES, RefreshTokenStore } from './auth/refresh-token.store.js';
import { ROLE_HOLDER_INDEXES, RoleHolders } from './users/role-holders.js';
import { USER_INDEXES, UserStore } from './users/user.store.js';

/** Every index the identity stores declare, by collection (login_throttle is read by `_id` only). */
export const IDENTITY_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [UserStore.collection]: USER_INDEXES,
  [RoleHolders.collection]: ROLE_HOLDER_INDEXES,
  [AuditStore.collection]: AUDIT_INDEXES,
  [ApiKeyStore.collection]: API_KEY_INDEXES,
  [RefreshTokenStore.collection]: REFRESH_TOKEN_INDEXES,
};
