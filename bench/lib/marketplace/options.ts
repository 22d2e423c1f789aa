import { parseArgs } from 'node:util';
import { wholeNumber } from '../options.js';

export interface MarketplaceOptions {
  /** Service centres the search runs over (the seed's generator, seven cities). */
  centres: number;
  /** Search points, spread over the cities: each request the next one. */
  points: number;
  radiusKm: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Booking requests sent at once, over `slots` slots of a 2-bay centre. */
  requests: number;
  slots: number;
}

export const BAYS = 2;

export function parseMarketplaceOptions(argv: string[]): MarketplaceOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      centres: { type: 'string' },
      points: { type: 'string' },
      radius: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      requests: { type: 'string' },
      slots: { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  const options = {
    centres: wholeNumber('centres', values.centres, 10_000, 1),
    points: wholeNumber('points', values.points, 200, 1),
    radiusKm: wholeNumber('radius', values.radius, 10, 1),
    connections: wholeNumber('connections', values.connections, 5, 1),
    durationSeconds: wholeNumber('duration', values.duration, quick ? 3 : 15, 1),
    warmupSeconds: wholeNumber('warmup', values.warmup, quick ? 1 : 3, 0),
    requests: wholeNumber('requests', values.requests, 500, 1),
    slots: wholeNumber('slots', values.slots, 50, 1),
  };
  if (options.radiusKm > 200) throw new Error('--radius must be at most 200 (the API’s limit)');
  if (options.centres > 100_000) throw new Error('--centres must be at most 100,000');
  return options;
}
