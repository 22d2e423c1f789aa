import autocannon from 'autocannon';
import { LatencyRecorder } from './latency.js';
import { wrongAnswer, type Variant, type VariantLoadResult, type VariantLoadSettings } from './variant-load.js';
import { serveWorker } from './worker.js';

/* autocannon sending each request as the next variant, in the process variant-load.ts forks. */

const MAX_SAMPLES = 3;

interface Tally {
  wrong: number;
  samples: string[];
  sent: Set<number>;
}

interface Context {
  variant?: Variant;
}

function optionsFor(settings: VariantLoadSettings, durationSeconds: number, tally: Tally): autocannon.Options {
  const { variants } = settings;
  let next = 0;
  return {
    url: settings.url,
    connections: settings.connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context: Context) => {
          const index = next++ % variants.length;
          const variant = variants[index]!;
          tally.sent.add(index);
          context.variant = variant;
          return { ...request, headers: variant.headers, body: variant.body };
        },
        onResponse: (status, body, context: Context) => {
          const why = context.variant ? wrongAnswer(status, body, context.variant) : 'no variant';
          if (why === null) return;
          tally.wrong++;
          if (tally.samples.length < MAX_SAMPLES) tally.samples.push(`${why}: ${body.slice(0, 400)}`);
        },
      },
    ],
  };
}

async function measure(settings: VariantLoadSettings): Promise<VariantLoadResult> {
  if (settings.warmupSeconds > 0) {
    await autocannon(optionsFor(settings, settings.warmupSeconds, { wrong: 0, samples: [], sent: new Set() }));
  }
  const latencies = new LatencyRecorder();
  const tally: Tally = { wrong: 0, samples: [], sent: new Set() };
  const instance = autocannon(optionsFor(settings, settings.durationSeconds, tally));
  instance.on('response', (_client, _status, _bytes, ms) => latencies.record(ms));
  const result = await instance;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.mean,
    latencyMs: latencies.summary(),
    non2xx: result.non2xx,
    wrongBodies: tally.wrong,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    wrongBodySamples: tally.samples,
    variantsSent: tally.sent.size,
  };
}

serveWorker(measure);
