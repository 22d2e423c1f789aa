import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const marketplaceSubgraph: SubgraphDescriptor<'marketplace'> = {
  name: 'marketplace',
  port: 4006,
  buildSchema: async () => (await import('./schema.js')).buildMarketplaceSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createMarketplaceSubgraph }, { HttpIdentityDirectory }, { HttpVehicleAccess }] = await Promise.all([
      import('./index.js'),
      import('./partners/identity-directory.js'),
      import('../../platform/access/vehicle-access.js'),
    ]);
    const { HttpVehicleProfiles } = await import('./parts/vehicle-profiles.js');
    const { HttpVehicleAlerts } = await import('./bookings/vehicle-alerts.js');
    return createMarketplaceSubgraph({
      db,
      bus,
      logger,
      identity: new HttpIdentityDirectory({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
      access: new HttpVehicleAccess({ vehiclesUrl: urls.vehicles, internalSecret: config.INTERNAL_SECRET }),
      profiles: new HttpVehicleProfiles({ vehiclesUrl: urls.vehicles, internalSecret: config.INTERNAL_SECRET }),
      commerce: {
        paymentHoldMinutes: config.ORDER_PAYMENT_HOLD_MINUTES,
        holdSweepSeconds: config.ORDER_HOLD_SWEEP_SECONDS,
      },
      bookings: {
        settings: {
          subscriberQueue: config.SUBSCRIPTION_MAX_QUEUE,
          customerCutoffMinutes: config.BOOKING_CUSTOMER_CUTOFF_MINUTES,
          partnerVehicleAccessDays: config.PARTNER_VEHICLE_ACCESS_DAYS,
        },
        alerts: new HttpVehicleAlerts({ healthUrl: () => urls.health, internalSecret: config.INTERNAL_SECRET }),
      },
      roadside: {
        waveSize: config.ROADSIDE_WAVE_SIZE,
        waveSeconds: config.ROADSIDE_WAVE_SECONDS,
        waves: config.ROADSIDE_WAVES,
        radiusKm: config.ROADSIDE_RADIUS_KM,
        speedKmh: config.ROADSIDE_SPEED_KMH,
      },
    });
  },
};
