// Statistics read models keep durations as sorted lists (medians without sorting on every read).

/** Inserts `value` into the ascending `list` in place, keeping it ascending. */
export function insertSorted(list: number[], value: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}
