/**
 * A bay's time is cut into cells of CELL_MINUTES; a booking claims every cell its slot touches,
 * on one bay. Two bookings overlap on a bay exactly when they share a cell, whatever their
 * durations, so "no double booking" reduces to "no cell claimed twice", which a unique `_id`
 * enforces on any MongoDB (and on the embedded database), without transactions.
 *
 * Cells are small enough that services (5-minute multiples) and slot starts land on their
 * edges; a slot off the grid is rounded outwards, which can only refuse, never double-book.
 */
export const CELL_MINUTES = 5;
const CELL_MS = CELL_MINUTES * 60_000;

/** The start of every cell [start, end) touches, oldest first. */
export function cellsCovering(start: Date, end: Date): number[] {
  const first = Math.floor(start.getTime() / CELL_MS) * CELL_MS;
  const cells: number[] = [];
  for (let t = first; t < end.getTime(); t += CELL_MS) cells.push(t);
  return cells;
}

/** A claim's key: one centre, one bay, one cell. */
export const claimId = (centreId: string, bay: number, cell: number) => `${centreId}:${bay}:${cell}`;
