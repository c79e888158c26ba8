import type { DetectorVerdict } from '@tocsin/detection';
import type { NoveltyVerdict } from './novelty-detector';

/** How the shape-novelty reading joins the spike detector's pages (research, not the product). */
export interface ShapeJoin {
  /**
   * A novel shape pages only if the spike score reached this within the block the novelty
   * detector judged (0: a new shape at an ordinary level pages too).
   */
  gate: number;
  /** The novelty detector's block: the stretch its verdict judged, ending at the verdict's point. */
  blockMs: number;
  /** No novelty page within this of the spike detector's last page: one page per buzz. */
  refractoryMs: number;
}

/**
 * The spike detector's detections at the threshold 0.5, joined by the shape-novelty
 * detector's pages on a series that has shown only non-negative integers so far (the counts it
 * was built for; decided from the stream, never from a name).
 * @param rows the series, in the order scored
 * @param spike the spike detector's verdict per row
 * @param novelty the novelty detector's verdict per row
 * @returns one detection flag per row
 */
export function joinShapeReading(
  rows: readonly { timestampMs: number; value: number }[],
  spike: readonly Pick<DetectorVerdict, 'score'>[],
  novelty: readonly Pick<NoveltyVerdict, 'alert'>[],
  join: ShapeJoin,
): boolean[] {
  if (spike.length !== rows.length || novelty.length !== rows.length) {
    throw new RangeError(
      `one verdict per row expected: ${rows.length} rows, ${spike.length} spike and ${novelty.length} novelty verdicts`,
    );
  }
  let lastSpikePageMs = -Infinity;
  let counts = true;
  return rows.map((row, index) => {
    counts = counts && Number.isInteger(row.value) && row.value >= 0;
    if ((spike[index]?.score ?? 0) >= 0.5) {
      lastSpikePageMs = Math.max(lastSpikePageMs, row.timestampMs);
      return true;
    }
    if (!counts || novelty[index]?.alert !== true || row.timestampMs - lastSpikePageMs <= join.refractoryMs) {
      return false;
    }
    let highest = 0;
    for (let back = index; back >= 0; back -= 1) {
      const earlier = rows[back];
      if (!earlier || (back < index && earlier.timestampMs <= row.timestampMs - join.blockMs)) {
        break;
      }
      highest = Math.max(highest, spike[back]?.score ?? 0);
    }
    return highest >= join.gate;
  });
}
