// The expiry job: expires every lot due at `now`, set-based, a range of member ids per
// transaction (members locked in id order, as every writer takes them), and tells the flows
// (`points.expired`, through the one ingest path). Safe to re-run and to run beside itself: an
// expired lot has nothing left, and its `expire` entry is keyed by the first lot it empties. Both
// runtimes schedule it (graphile-worker's crontab task `expire_points`, Inngest's `expire-points`
// cron function).
//
// Speed: the work is the rows themselves (each due lot emptied, one entry per member and due date,
// a balance and an event per member), each touching every index of its table, so the job spends
// nothing else: one statement locks a range's due members (found through the open-lots partial
// index, no ids sent back and forth), one writes lots, entries and balances, and the events go in
// batches. Ranges hold disjoint members, so two connections work on two ranges at once (ranges.ts).
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { sql, withTransaction, type Pool } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL } from "@/server/events/ingest";
import { expiredEvents, expireDueFor } from "./points";
import { forEachRange, type RangeOptions, type RangeRun } from "./ranges";

/** `next`: the member id to continue from (null when every range was done). */
export type ExpiryRun = { members: number; points: number } & RangeRun;

/** Ranges of 10,000 member ids by default: small enough that two connections share a year's ranges evenly. */
export type ExpiryOptions = RangeOptions;

export async function expirePoints(pool: Pool, now: Date, options: ExpiryOptions = {}): Promise<ExpiryRun> {
  const [bounds] = await pool
    .query<{ lo: number | null; hi: number | null }>(`SELECT min(member_id) AS lo, max(member_id) AS hi FROM points_entries WHERE remaining > 0 AND expires_at <= $1 AND member_id >= $2`, [now, options.from ?? 0])
    .then((r) => r.rows);
  const totals = { members: 0, points: 0 };
  if (bounds?.lo == null || bounds.hi == null) return { ...totals, chunks: 0, next: null };
  const ranges = await forEachRange(bounds.lo, bounds.hi, { ...options, rangeSize: options.rangeSize ?? 10_000 }, async (lo, hi) => {
    const expired = await expireRange(pool, lo, hi, now);
    totals.members += expired.members;
    totals.points += expired.points;
  });
  return { ...totals, ...ranges };
}

/** One range of member ids, in one transaction. */
async function expireRange(pool: Pool, lo: number, hi: number, now: Date): Promise<{ members: number; points: number }> {
  return withTransaction(pool, async (tx) => {
    // The members with a lot due, locked in id order before their lots are read (a statement of its
    // own: the next one's snapshot then sees what any writer that held them committed).
    const locked = await tx.query<{ id: number }>(sql`
      SELECT id FROM members
      WHERE id BETWEEN ${lo} AND ${hi}
        AND id IN (SELECT member_id FROM points_entries WHERE member_id BETWEEN ${lo} AND ${hi} AND remaining > 0 AND expires_at <= ${now})
      ORDER BY id FOR UPDATE`);
    if (locked.length === 0) return { members: 0, points: 0 };
    const expired = await expireDueFor(
      tx,
      locked.map((m) => m.id),
      now,
    );
    const events = expiredEvents(expired, now);
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
    return { members: expired.length, points: expired.reduce((n, e) => n + e.points, 0) };
  });
}
