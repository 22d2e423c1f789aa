/**
 * Counts events in the last `windowMs` using fixed buckets, so memory stays bounded
 * however many events arrive; the count is exact to one bucket's width
 * (windowMs / buckets). Plain-data state, time always passed in.
 */
export interface SlidingWindowState {
  windowMs: number;
  bucketMs: number;
  /** Bucket start time (ms, aligned to bucketMs) → events in that bucket. */
  buckets: Array<[start: number, count: number]>;
}

export function createSlidingWindow(windowMs: number, bucketCount = 60): SlidingWindowState {
  if (!(windowMs > 0) || !Number.isInteger(bucketCount) || bucketCount < 1) {
    throw new RangeError('sliding window needs windowMs > 0 and a positive integer bucket count');
  }
  return { windowMs, bucketMs: Math.max(1, Math.floor(windowMs / bucketCount)), buckets: [] };
}

function prune(state: SlidingWindowState, now: number): SlidingWindowState['buckets'] {
  const oldestKept = now - state.windowMs;
  // A bucket counts while any part of it is inside the window.
  return state.buckets.filter(([start]) => start + state.bucketMs > oldestKept);
}

export function recordEvents(state: SlidingWindowState, now: number, count = 1): SlidingWindowState {
  if (!(count >= 0)) throw new RangeError('event count must be >= 0');
  const start = Math.floor(now / state.bucketMs) * state.bucketMs;
  const buckets = prune(state, now);
  const index = buckets.findIndex(([s]) => s === start);
  if (index >= 0) {
    buckets[index] = [start, buckets[index][1] + count];
  } else {
    // Late events (a reporter's clock behind ours) land in their own bucket, kept in order.
    buckets.push([start, count]);
    buckets.sort((a, b) => a[0] - b[0]);
  }
  return { ...state, buckets };
}

export function countInWindow(state: SlidingWindowState, now: number): number {
  return prune(state, now).reduce((n, [, c]) => n + c, 0);
}
