import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { ConsentResolver } from './consent/consent.resolver.js';
import type { GrantStore } from './consent/grant.store.js';
import type { PushDevices } from './channels/push/push-devices.js';
import { PushDeviceResolver } from './channels/push/push.resolver.js';
import { DeliveryResolver } from './deliveries/delivery.resolver.js';
import type { DeliveryStore } from './deliveries/delivery.store.js';
import { InboxFeedResolver, InboxResolver } from './inbox/inbox.resolver.js';
import type { NotificationStore } from './inbox/notification.store.js';
import { PreferenceResolver } from './preferences/preference.resolver.js';
import type { PreferenceStore } from './preferences/preference.store.js';
import type { RecipientDirectory } from './recipients/directory.js';
import type { UnsubscribeTokens } from './unsubscribe/token.js';
import { WebhookResolver } from './webhooks/webhook.resolver.js';
import type { WebhookService } from './webhooks/webhook.service.js';

/** What the notifications resolvers are constructed from, by name. */
export interface NotificationsResolverDeps {
  notifications: NotificationStore;
  deliveries: DeliveryStore;
  preferences: PreferenceStore;
  unsubscribe: UnsubscribeTokens;
  webhooks: WebhookService;
  grants: GrantStore;
  recipients: RecipientDirectory;
  pushDevices: PushDevices;
}

const resolver = resolverRegistry<NotificationsResolverDeps>();

/** Every resolver, with the dependencies its constructor takes. Channel helpers add theirs here. */
export const NOTIFICATIONS_RESOLVERS = [
  resolver(InboxResolver, 'notifications'),
  resolver(InboxFeedResolver),
  resolver(PreferenceResolver, 'preferences', 'unsubscribe'),
  resolver(DeliveryResolver, 'deliveries'),
  resolver(WebhookResolver, 'webhooks'),
  resolver(ConsentResolver, 'grants', 'recipients'),
  resolver(PushDeviceResolver, 'pushDevices'),
];

/** Constructs every resolver from `deps`; without them, the schema to print. */
export async function buildNotificationsSchema(deps?: NotificationsResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema({ ...resolverOptions(NOTIFICATIONS_RESOLVERS, deps), authChecker });
}
