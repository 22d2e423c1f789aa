import type { Viewer } from '../platform/auth/viewer.js';
import type { Logger } from '../platform/logger.js';

export interface GatewayContext {
  viewer?: Viewer;
  requestId: string;
  clientIp?: string;
  logger: Logger;
}
