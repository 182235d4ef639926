// The expiry job: expires every lot due at `now`, set-based, a range of member ids per
// transaction (members locked in id order, as every writer takes them), and tells the flows
// (`points.expired`, through the one ingest path). Safe to re-run and to run beside itself: an
// expired lot has nothing left, and its `expire` entry is unique per lot. Both runtimes schedule it
// (graphile-worker's crontab task `expire_points`, Inngest's `expire-points` cron function).
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, withTransaction, type Pool } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL } from "@/server/events/ingest";
import { expiredEvents, expireDueFor, lockMembers } from "./points";

/** `next`: the member id to continue from (null when every range was done). */
export type ExpiryRun = { members: number; points: number; chunks: number; next: number | null };

export type ExpiryOptions = {
  /** Member ids per transaction (default 20,000). */
  rangeSize?: number;
  /** Start at this member id (a previous run's `next`). */
  from?: number;
  /** Stop after this many ranges and say where to go on (an Inngest step each). */
  maxRanges?: number;
  stopping?: () => boolean;
};

export async function expirePoints(pool: Pool, now: Date, options: ExpiryOptions = {}): Promise<ExpiryRun> {
  const rangeSize = options.rangeSize ?? 20_000;
  const [bounds] = await pool
    .query<{ lo: number | null; hi: number | null }>(`SELECT min(member_id) AS lo, max(member_id) AS hi FROM points_entries WHERE remaining > 0 AND expires_at <= $1 AND member_id >= $2`, [now, options.from ?? 0])
    .then((r) => r.rows);
  const run: ExpiryRun = { members: 0, points: 0, chunks: 0, next: null };
  if (bounds?.lo == null || bounds.hi == null) return run;
  for (let lo = bounds.lo; lo <= bounds.hi; lo += rangeSize) {
    if (options.stopping?.() || (options.maxRanges !== undefined && run.chunks >= options.maxRanges)) {
      run.next = lo;
      break;
    }
    const hi = lo + rangeSize - 1;
    const expired = await withTransaction(pool, async (tx) => {
      const due = await tx.query<{ member_id: number }>(sql`
        SELECT DISTINCT member_id FROM points_entries
        WHERE member_id BETWEEN ${lo} AND ${hi} AND remaining > 0 AND expires_at <= ${now}`);
      const ids = due.map((d) => d.member_id);
      if (ids.length === 0) return [];
      await lockMembers(tx, ids);
      const expired = await expireDueFor(tx, ids, now);
      const events = expiredEvents(expired, now);
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
      return expired;
    });
    run.chunks += 1;
    run.members += expired.length;
    run.points += expired.reduce((n, e) => n + e.points, 0);
  }
  return run;
}
