import { createRandom } from './random.js';
import { uploadSlot } from './upload-slot.js';

// 1,000 dongles polling at 1 Hz, each uploading every 30 rounds: the bench:fleet headline.
const vehicles = 1000;
const perUpload = 30;
const slots = Array.from({ length: vehicles }, (_, index) =>
  uploadSlot(createRandom(7).fork(`vehicle:${index}`), perUpload),
);

it('puts every dongle in one of the interval slots, replayed by the seed', () => {
  expect(slots.every((s) => Number.isInteger(s) && s >= 0 && s < perUpload)).toBe(true);
  expect(uploadSlot(createRandom(7).fork('vehicle:3'), perUpload)).toBe(slots[3]);
  expect(uploadSlot(createRandom(1), 1)).toBe(0);
});

it('spreads the fleet over the interval: every slot is used, none by more than twice its share', () => {
  const counts = Array.from({ length: perUpload }, (_, s) => slots.filter((x) => x === s).length);
  expect(Math.min(...counts)).toBeGreaterThan(0);
  expect(Math.max(...counts)).toBeLessThanOrEqual((2 * vehicles) / perUpload);
});

it("does not bunch one slot's uploads in the polling period: they span most of the second", () => {
  // A dongle polls at index / vehicles of the period; the old index-derived slot put each
  // slot's dongles within 1/30 of it.
  for (let s = 0; s < perUpload; s++) {
    const phases = slots.flatMap((x, index) => (x === s ? [index / vehicles] : []));
    expect(Math.max(...phases) - Math.min(...phases)).toBeGreaterThan(0.8);
  }
});
