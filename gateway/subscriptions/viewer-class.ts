import { isStaff, type Viewer } from '../../platform/auth/viewer.js';

/**
 * Callers who would get the same answers from every subgraph share a class, and only callers
 * of one class share an upstream subscription: staff by their role set (they see every
 * vehicle), everyone else by identity (object-level rules make their results personal).
 */
export function viewerClass(viewer: Viewer | undefined): string {
  if (!viewer) return 'anonymous';
  switch (viewer.kind) {
    case 'user':
      return isStaff(viewer) ? `roles:${[...viewer.roles].sort().join(',')}` : `user:${viewer.userId}`;
    case 'apiKey':
      return `apiKey:${viewer.keyId}`;
    case 'device':
      return `device:${viewer.deviceId}`;
  }
}
