import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { PUSH_DEVICE_INDEXES, PushDeviceStore } from './channels/push/push-device.store.js';
import { CapStore } from './dispatch/cap.store.js';
import { FoldStore } from './dispatch/fold.store.js';
import { SCHEDULE_INDEXES, ScheduleStore } from './dispatch/schedule.store.js';
import { GRANT_INDEXES, GrantStore } from './consent/grant.store.js';
import { WEBHOOK_DELIVERY_INDEXES, WebhookDeliveryStore } from './webhooks/delivery.store.js';
import { ENDPOINT_INDEXES, EndpointStore } from './webhooks/endpoint.store.js';
import { DELIVERY_INDEXES, DeliveryStore } from './deliveries/delivery.store.js';
import { NOTIFICATION_INDEXES, NotificationStore } from './inbox/notification.store.js';
import { PreferenceStore } from './preferences/preference.store.js';

/** Every index the notifications stores declare, by collection (channel helpers add theirs). */
export const NOTIFICATIONS_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [NotificationStore.collection]: NOTIFICATION_INDEXES,
  [DeliveryStore.collection]: DELIVERY_INDEXES,
  [PreferenceStore.collection]: [],
  [FoldStore.collection]: [],
  [CapStore.collection]: [],
  [ScheduleStore.collection]: SCHEDULE_INDEXES,
  [EndpointStore.collection]: ENDPOINT_INDEXES,
  [WebhookDeliveryStore.collection]: WEBHOOK_DELIVERY_INDEXES,
  [GrantStore.collection]: GRANT_INDEXES,
  [PushDeviceStore.collection]: PUSH_DEVICE_INDEXES,
};
