import { createRandom, type Random } from '../simulator/random.js';
import type { SeedScale } from './scales.js';

/*
 * A reading vehicle's telemetry history: two trips a day (morning and evening, 20-45 minutes),
 * sampled every 10 minutes (engine speed, vehicle speed, coolant, voltage, engine load), ending
 * at the seed's anchor. Some trips hold an episode that health's rules turn into an alert: the
 * coolant above 110 °C for over 30 s (coolant-overheat, CRITICAL), or the charging voltage below
 * 13.2 V for over a minute with the engine running (battery-not-charging, HIGH), each followed by
 * normal values that resolve it. Every fifth vehicle ends with an overheating episode that is
 * still going: its alert stays OPEN. The same scale, vehicle and anchor always give the same
 * history, so a resumed seed sends the same uploads under the same idempotency keys.
 */

export interface TimelineReading {
  pid: string;
  value: number;
  recordedAt: string;
}

export interface VehicleTimeline {
  /** In time order; each at most READINGS_PER_UPLOAD readings, whole samples only. */
  uploads: TimelineReading[][];
  readings: number;
  /** Alerts the history should raise, and how many of them stay open at its end. */
  alerts: number;
  openAlerts: number;
}

/** ingestReadings takes at most 500 readings a request. */
export const READINGS_PER_UPLOAD = 500;
const SAMPLE_EVERY_MS = 10 * 60_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

interface Sample {
  at: number;
  rpm: number;
  speed: number;
  coolant: number;
  voltage: number;
  load: number;
}

/** Alerts of the reading vehicle ranked `rank`: the scale's alerts shared out evenly. */
export function alertsOf(scale: SeedScale, rank: number): { total: number; leftOpen: boolean } {
  if (scale.readingVehicles === 0) return { total: 0, leftOpen: false };
  const total =
    Math.floor(scale.alerts / scale.readingVehicles) + (rank < scale.alerts % scale.readingVehicles ? 1 : 0);
  return { total, leftOpen: total > 0 && rank % 5 === 0 };
}

export function vehicleTimeline(scale: SeedScale, rank: number, anchor: Date): VehicleTimeline {
  const random = createRandom(seedOf(scale.name)).fork(`vehicle:${rank}`);
  const { total, leftOpen } = alertsOf(scale, rank);
  const episodes = total - (leftOpen ? 1 : 0);
  const trips = 2 * scale.readingDays;
  const episodeTrips = new Map<number, number>();
  for (let e = 0; e < episodes; e++) episodeTrips.set(Math.floor(((e + 0.5) * trips) / episodes), e);

  const samples: Sample[] = [];
  const start = anchor.getTime() - scale.readingDays * DAY;
  for (let trip = 0; trip < trips; trip++) {
    const day = Math.floor(trip / 2);
    const tripRandom = random.fork(`trip:${trip}`);
    const departure = start + day * DAY + (trip % 2 === 0 ? 7 : 17) * 60 * MINUTE + tripRandom.int(0, 90) * MINUTE;
    const minutes = tripRandom.int(20, 45);
    const episode = episodeTrips.get(trip);
    samples.push(
      ...drive(
        tripRandom,
        departure,
        minutes,
        episode === undefined ? null : episode % 2 === 0 ? 'overheat' : 'alternator',
      ),
    );
  }
  if (leftOpen) {
    // Still overheating when the history ends: the alert opens and nothing resolves it.
    const at = anchor.getTime() - 30 * MINUTE;
    samples.push(...[0, 20, 40, 60].map((s, i) => running(random, at + s * 1000, { coolant: 116 + i })));
  }

  const readings = samples.flatMap(toReadings);
  const uploads: TimelineReading[][] = [];
  for (let i = 0; i < readings.length; i += READINGS_PER_UPLOAD)
    uploads.push(readings.slice(i, i + READINGS_PER_UPLOAD));
  return { uploads, readings: readings.length, alerts: total, openAlerts: leftOpen ? 1 : 0 };
}

function drive(
  random: Random,
  departure: number,
  minutes: number,
  episode: 'overheat' | 'alternator' | null,
): Sample[] {
  const samples: Sample[] = [];
  // The dongle reports every 10 minutes from 10 minutes in, when the thermostat holds the
  // coolant at about 90 °C. (A cold first report with no close neighbour would read, to health,
  // as a short cold trip, which wears the oil as much as 75 km: 180 of them a quarter.)
  for (let t = SAMPLE_EVERY_MS; t <= minutes * MINUTE; t += SAMPLE_EVERY_MS) {
    samples.push(running(random, departure + t, { coolant: 90 + random.int(-2, 2) }));
  }
  const at = departure + 12 * MINUTE;
  if (episode === 'overheat') {
    // Above 110 °C for 40 s (the rule wants 30 s), then back under 105 °C for 40 s.
    const coolant = [116, 118, 119, 117, 96, 92, 90];
    samples.push(...coolant.map((c, i) => running(random, at + i * 20_000, { coolant: c })));
  } else if (episode === 'alternator') {
    // Under 13.2 V for 90 s while running (the rule wants a minute), then charging again for 90 s.
    const volts = [12.6, 12.5, 12.6, 12.4, 14.1, 14.2, 14.1, 14.2];
    samples.push(...volts.map((v, i) => running(random, at + i * 30_000, { coolant: 90, voltage: v })));
  }
  return samples.sort((a, b) => a.at - b.at);
}

function running(random: Random, at: number, fixed: { coolant: number; voltage?: number }): Sample {
  const speed = random.int(0, 110);
  return {
    at,
    rpm: speed === 0 ? random.int(750, 900) : random.int(1200, 3200),
    speed,
    coolant: fixed.coolant,
    voltage: fixed.voltage ?? Math.round(random.between(13.9, 14.4) * 100) / 100,
    load: random.int(15, 65),
  };
}

function toReadings(sample: Sample): TimelineReading[] {
  const recordedAt = new Date(sample.at).toISOString();
  return [
    { pid: '0C', value: sample.rpm, recordedAt },
    { pid: '0D', value: sample.speed, recordedAt },
    { pid: '05', value: sample.coolant, recordedAt },
    { pid: '42', value: sample.voltage, recordedAt },
    { pid: '04', value: sample.load, recordedAt },
  ];
}

function seedOf(name: string): number {
  let hash = 7;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash;
}
