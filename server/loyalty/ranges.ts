// Member-id ranges: the unit of the set-based loyalty jobs (points expiry, tier evaluation). Each
// range is one transaction that locks its members in id order, as every writer takes them; ranges
// hold disjoint members, so `concurrency` connections work on ranges at once (one per core).
// Server-only: the lint allow-list keeps components/ away.

export type RangeOptions = {
  /** Member ids per range (one transaction each). */
  rangeSize?: number;
  /** Ranges in flight at once, each on its own connection (default 2: one per core). */
  concurrency?: number;
  /** Start at this member id (a previous run's `next`). */
  from?: number;
  /** Stop after this many ranges and say where to go on (an Inngest step each). */
  maxRanges?: number;
  stopping?: () => boolean;
};

/** `next`: the member id to continue from (null when every range was done). */
export type RangeRun = { chunks: number; next: number | null };

/**
 * Runs `work` on every range of [first, last]. Workers take ranges in id order and finish what they
 * took, so the ranges done are always a prefix and `next` is the first range nobody took. A failing
 * range stops the others from taking more; the error is thrown once none is still running.
 */
export async function forEachRange(
  first: number,
  last: number,
  options: RangeOptions & { rangeSize: number },
  work: (lo: number, hi: number) => Promise<void>,
): Promise<RangeRun> {
  const run: RangeRun = { chunks: 0, next: null };
  let nextLo = first;
  let failed = false;
  const take = (): number | null => {
    if (nextLo > last || failed) return null;
    if (options.stopping?.() || (options.maxRanges !== undefined && run.chunks >= options.maxRanges)) {
      run.next = nextLo;
      return null;
    }
    const lo = nextLo;
    nextLo += options.rangeSize;
    run.chunks += 1;
    return lo;
  };
  const worker = async () => {
    for (let lo = take(); lo !== null; lo = take()) {
      try {
        await work(lo, Math.min(lo + options.rangeSize - 1, last));
      } catch (error) {
        failed = true; // the other workers finish their range and take no more; the run is retried
        throw error;
      }
    }
  };
  // Settled, so no worker is still in a transaction when the error reaches the caller.
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
  return run;
}
