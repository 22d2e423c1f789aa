import type { TimedReading } from './series.js';
import {
  chunkDocuments,
  DEFAULT_OWN_CAPACITY,
  ownDocumentFrom,
  planUploadChunks,
  uploadId,
} from './upload-placement.js';

const rpm = (value: number, iso: string): TimedReading => ({
  pid: '0C',
  name: 'Engine speed',
  unit: 'rpm',
  value,
  recordedAt: new Date(iso),
});
const HOUR_10 = Date.parse('2025-03-01T10:00:00Z');
const HOUR_11 = Date.parse('2025-03-01T11:00:00Z');

describe('planUploadChunks', () => {
  it('cuts by hour, in time order within each, then into chunks of at most the capacity', () => {
    const readings = [
      rpm(4, '2025-03-01T11:00:01Z'),
      rpm(2, '2025-03-01T10:59:58Z'),
      rpm(1, '2025-03-01T10:59:57Z'),
      rpm(3, '2025-03-01T10:59:59Z'),
      rpm(5, '2025-03-01T11:00:02Z'),
    ];
    const chunks = planUploadChunks(readings, new Date(HOUR_11), 2);
    expect(chunks.map((c) => [c.start.getTime(), c.readings.map((r) => r.value)])).toEqual([
      [HOUR_10, [1, 2]],
      [HOUR_10, [3]],
      [HOUR_11, [4, 5]],
    ]);
    expect(chunks.map((c) => [c.first.toISOString(), c.last.toISOString()])[0]).toEqual([
      '2025-03-01T10:59:57.000Z',
      '2025-03-01T10:59:58.000Z',
    ]);
  });

  it('gives an upload without readings one empty chunk at its time, for its receipt', () => {
    const at = new Date('2025-03-01T10:20:00Z');
    expect(planUploadChunks([], at, 200)).toEqual([{ start: new Date(HOUR_10), first: at, last: at, readings: [] }]);
  });

  it('is the same for the same upload: a retry is cut the same way', () => {
    const readings = Array.from({ length: 7 }, (_, i) => rpm(i, new Date(HOUR_10 + 3_599_000 - i * 500).toISOString()));
    const at = new Date(HOUR_10);
    expect(planUploadChunks([...readings], at, 3)).toEqual(planUploadChunks([...readings], at, 3));
  });

  it('refuses a capacity below one', () => {
    expect(() => planUploadChunks([], new Date(), 0)).toThrow(RangeError);
    expect(() => planUploadChunks([], new Date(), 4, 0)).toThrow(RangeError);
  });

  it('cuts an hour with enough readings for documents of their own into chunks of the own capacity', () => {
    const tenAt = (hour: number) =>
      Array.from({ length: 10 }, (_, i) => rpm(i, new Date(hour + 1000 * (i + 1)).toISOString()));
    // 10 readings in hour 10 (own documents from 2 at capacity 4): chunks of up to 6; 1 in hour 11: shared.
    const readings = [...tenAt(HOUR_10), rpm(99, '2025-03-01T11:00:01Z')];
    const chunks = planUploadChunks(readings, new Date(HOUR_11), 4, 6);
    expect(chunks.map((c) => [c.start.getTime(), c.readings.length])).toEqual([
      [HOUR_10, 6],
      [HOUR_10, 4],
      [HOUR_11, 1],
    ]);
    // A dongle's 30 rounds (about 300 readings) are one chunk at the defaults.
    const upload = Array.from({ length: 300 }, (_, i) => rpm(i, new Date(HOUR_10 + 100 * i).toISOString()));
    expect(planUploadChunks(upload, new Date(HOUR_10), 200, DEFAULT_OWN_CAPACITY)).toHaveLength(1);
  });
});

describe('chunkDocuments', () => {
  const chunkOf = (n: number, firstIso: string) => {
    const readings = Array.from({ length: n }, (_, i) => rpm(i, firstIso));
    return planUploadChunks(readings, new Date(firstIso), 200)[0];
  };

  it('sends a small chunk to the shared document of its slot, with its own document as the overflow', () => {
    const docs = chunkDocuments('v1', 'abc', chunkOf(10, '2025-03-01T10:00:31Z'), 0, 200, 15_000);
    expect(docs).toEqual({ first: `v1:${HOUR_10}:s2`, overflow: `v1:${HOUR_10}:uabc.0`, shared: true });
    // Uploads whose first reading falls in one slot share its document.
    expect(chunkDocuments('v1', 'def', chunkOf(3, '2025-03-01T10:00:44.999Z'), 0, 200, 15_000).first).toBe(
      `v1:${HOUR_10}:s2`,
    );
  });

  it(`gives a chunk of ${ownDocumentFrom(200)} readings or more a document of its own`, () => {
    const docs = chunkDocuments('v1', 'abc', chunkOf(ownDocumentFrom(200), '2025-03-01T10:00:31Z'), 1, 200);
    expect(docs).toEqual({ first: `v1:${HOUR_10}:uabc.1`, overflow: null, shared: false });
  });
});

describe('uploadId', () => {
  it('is the same for a key, safe as a field name, and random without one', () => {
    expect(uploadId('k-1')).toBe(uploadId('k-1'));
    expect(uploadId('k-1')).not.toBe(uploadId('k-2'));
    expect(uploadId('a.b$c')).toMatch(/^[0-9a-f]{24}$/);
    expect(uploadId(null)).not.toBe(uploadId(null));
  });
});
