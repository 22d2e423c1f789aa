import { BadUserInputError } from '../../../platform/errors.js';
import { decodeFrames, MAX_BATCH_SIZE, type DecodedBatch } from './batch.js';

/**
 * Rounds semantics, for `ingestObdRounds`: a dongle that samples every second and uploads every
 * few seconds sends the rounds it buffered, each with the time it was read, in one operation.
 *
 * - At most MAX_ROUNDS_PER_UPLOAD rounds (two minutes at 1 Hz), each of at most MAX_BATCH_SIZE
 *   frames, and at most MAX_FRAMES_PER_UPLOAD frames in all; an empty upload, a larger one, or a
 *   round whose time is in the future or past retention is refused whole with BAD_USER_INPUT
 *   naming the field: nothing of it is stored.
 * - Otherwise every round is decoded as ingestObdFrames decodes a batch, stamped with its own
 *   time: good frames are stored, a bad one is reported with its round and index.
 * - Trouble codes are reported per round, with the round's time.
 */
export const MAX_ROUNDS_PER_UPLOAD = 120;
export const MAX_FRAMES_PER_UPLOAD = 2_000;

export interface Round {
  recordedAt: Date;
  frames: readonly string[];
}

/** Sizes only: cheap, and before anything else. */
export function checkRounds(rounds: readonly Round[]): void {
  if (rounds.length === 0) throw new BadUserInputError('rounds must hold at least one round', 'rounds');
  if (rounds.length > MAX_ROUNDS_PER_UPLOAD) {
    throw new BadUserInputError(
      `rounds holds ${rounds.length} rounds; at most ${MAX_ROUNDS_PER_UPLOAD} per upload`,
      'rounds',
    );
  }
  let frames = 0;
  rounds.forEach((round, i) => {
    if (round.frames.length > MAX_BATCH_SIZE) {
      throw new BadUserInputError(
        `rounds.${i}.frames holds ${round.frames.length} frames; at most ${MAX_BATCH_SIZE} per round`,
        `rounds.${i}.frames`,
      );
    }
    frames += round.frames.length;
  });
  if (frames > MAX_FRAMES_PER_UPLOAD) {
    throw new BadUserInputError(
      `rounds hold ${frames} frames in all; at most ${MAX_FRAMES_PER_UPLOAD} per upload`,
      'rounds',
    );
  }
}

/** Each round decoded on its own, with its time, into one batch; errors name their round. */
export function decodeRounds(rounds: readonly Round[]): DecodedBatch {
  const batch: DecodedBatch = { accepted: 0, rejected: 0, errors: [], readings: [], dtcs: [] };
  rounds.forEach((round, i) => {
    const decoded = decodeFrames(round.frames, round.recordedAt);
    batch.accepted += decoded.accepted;
    batch.rejected += decoded.rejected;
    batch.errors.push(...decoded.errors.map((error) => ({ round: i, ...error })));
    batch.readings.push(...decoded.readings);
    batch.dtcs.push(...decoded.dtcs.map((report) => ({ ...report, at: round.recordedAt })));
  });
  return batch;
}

/** The latest round's time: what the upload's result reports. */
export const latestRound = (rounds: readonly Round[]): Date =>
  rounds.reduce((latest, r) => (r.recordedAt > latest ? r.recordedAt : latest), rounds[0].recordedAt);
