import { Histogram, type Registry } from 'prom-client';

/**
 * How much a nearby search reads, for the subgraph's /metrics: the circles it widens through and
 * the centres the database returns. A page that reads the whole radius every time (sparse area,
 * filters that match little, totalCount selected) shows here before it shows as latency.
 */
export class NearbyMetrics {
  readonly centresRead = new Histogram({
    name: 'marketplace_nearby_centres_read',
    help: 'Centres read from the database by one nearby search (every circle it read, totalCount included)',
    buckets: [0, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers: [],
  });
  readonly circles = new Histogram({
    name: 'marketplace_nearby_circles',
    help: 'Circles one nearby search page read before it was full or reached the radius',
    buckets: [1, 2, 3, 4, 5, 6, 7, 8, 10],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.centresRead);
    registry.registerMetric(this.circles);
  }
}
