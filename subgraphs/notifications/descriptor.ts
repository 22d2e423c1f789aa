import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const notificationsSubgraph: SubgraphDescriptor<'notifications'> = {
  name: 'notifications',
  port: 4008,
  buildSchema: async () => (await import('./schema.js')).buildNotificationsSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createNotificationsSubgraph }, { HttpRecipientDirectory }, { HttpVehicleAccess }, sms] = await Promise.all(
      [
        import('./index.js'),
        import('./recipients/directory.js'),
        import('../../platform/access/vehicle-access.js'),
        import('./channels/sms/local-sms.js'),
      ],
    );
    const [{ emailFromConfig }, { HttpEmailDirectory }, { pushConfigFrom }] = await Promise.all([
      import('./channels/email/email-setup.js'),
      import('./channels/email/email-directory.js'),
      import('./channels/push/push-setup.js'),
    ]);
    const emailSetup = await emailFromConfig(config, logger);
    const access = new HttpVehicleAccess({ vehiclesUrl: urls.vehicles, internalSecret: config.INTERNAL_SECRET });
    const smsSetup = await sms.smsFromConfig(config, logger);
    const subgraph = await createNotificationsSubgraph({
      db,
      bus,
      logger,
      recipients: new HttpRecipientDirectory(
        access,
        {
          marketplaceUrl: urls.marketplace,
          internalSecret: config.INTERNAL_SECRET,
        },
        logger,
      ),
      ...(smsSetup.provider ? { sms: smsSetup.provider } : {}),
      push: pushConfigFrom(config),
      ...(emailSetup.settings
        ? {
            email: {
              settings: emailSetup.settings,
              directory: new HttpEmailDirectory({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
            },
          }
        : {}),
      // Channel helpers: add `(kit) => Promise<Channel>` factories here (Web Push, email).
      channels: [],
      webhooks: (await import('./webhooks/webhooks-module.js')).webhookSettingsFrom(config),
      settings: {
        dedupeWindowMs: config.NOTIFY_DEDUPE_MINUTES * 60_000,
        hourlyCap: config.NOTIFY_USER_HOURLY_CAP,
        bookingReminderLeadMs: config.NOTIFY_BOOKING_REMINDER_MINUTES * 60_000,
        subscriberQueue: config.SUBSCRIPTION_MAX_QUEUE,
        unsubscribe: { secret: config.JWT_SECRET, baseUrl: config.NOTIFY_UNSUBSCRIBE_URL },
        delivery: {
          pollMs: config.NOTIFY_POLL_MS,
          leaseMs: config.NOTIFY_LEASE_MS,
          concurrency: 8,
          baseMs: config.NOTIFY_RETRY_BASE_MS,
          maxMs: config.NOTIFY_RETRY_MAX_MS,
          maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
        },
      },
    });
    return {
      ...subgraph,
      stop: async () => (await subgraph.stop?.(), await smsSetup.stop(), await emailSetup.stop()),
    };
  },
};
