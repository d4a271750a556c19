// Which shift an activity card shows: the first one not cancelled that has not started yet
// (startsAt ≥ now), whatever order the API lists them in. None left: the activity has ended for
// volunteers (no shift to sign up for).
export interface ShiftTiming {
  startsAt: string;
  isCancelled: boolean;
  placesLeft: number;
}

export function nextShift<T extends ShiftTiming>(shifts: readonly T[], now: number = Date.now()): T | null {
  let best: T | null = null;
  let bestAt = Infinity;
  for (const s of shifts) {
    if (s.isCancelled) continue;
    const at = Date.parse(s.startsAt);
    if (Number.isNaN(at) || at < now) continue;
    if (at < bestAt) {
      best = s;
      bestAt = at;
    }
  }
  return best;
}
