// `points.expiring`: a number of days before a lot's date (the program's `expiringReminderDays`,
// e.g. [30, 7]), each member still holding points due that day hears of it — one event per member,
// due date (in the program's zone) and lead time, through the one ingest path. Exactly-once: the
// event id names all three and member_events is unique by (source, event id); ids already recorded
// are skipped in SQL, so re-running (every hour, in both runtimes) costs an index probe per member.
// (The due date is the lot's local date: a program that changes its time zone may remind again of
// lots whose local date moved with it.) A lead time covers the days down to the next shorter one: a job that was down for a while, or a
// lot earned close to its date, sends the reminder that is due now, not every one it missed.
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { runnerFor, sql, withTransaction, type Pool } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL, type IngestEvent } from "@/server/events/ingest";
import { loadProgram } from "./program";
import { forEachRange, type RangeOptions, type RangeRun } from "./ranges";

export type ReminderRun = { events: number } & RangeRun;

/** Ranges of 50,000 member ids by default, one at a time (ranges.ts). */
export type ReminderOptions = RangeOptions;

/** The id of a reminder: one per member, local due date and lead time. */
export const expiringEventId = (memberId: number, dueDate: string, daysBefore: number) => `points.expiring:${memberId}:${dueDate}:${daysBefore}`;

export async function remindExpiringPoints(pool: Pool, now: Date, options: ReminderOptions = {}): Promise<ReminderRun> {
  const run: ReminderRun = { events: 0, chunks: 0, next: null };
  const program = await loadProgram(runnerFor(pool));
  const leads = [...program.expiringReminderDays].sort((a, b) => a - b);
  if (leads.length === 0) return run;
  // Lead L covers lots due in (now + the next shorter lead, now + L] days.
  const shorter = leads.map((_, i) => (i === 0 ? 0 : leads[i - 1]!));
  const horizon = leads[leads.length - 1]!;
  const [bounds] = await runnerFor(pool).query<{ lo: number | null; hi: number | null }>(sql`
    SELECT min(member_id) AS lo, max(member_id) AS hi FROM points_entries
    WHERE remaining > 0 AND expires_at > ${now} AND expires_at <= ${now}::timestamptz + make_interval(days => ${horizon}::int)
      AND member_id >= ${options.from ?? 0}`);
  if (bounds?.lo == null || bounds.hi == null) return run;
  const ranges = await forEachRange(bounds.lo, bounds.hi, { concurrency: 1, ...options, rangeSize: options.rangeSize ?? 50_000 }, async (lo, hi) => {
    run.events += await withTransaction(pool, async (tx) => {
      const due = await tx.query<{ member_id: number; due_date: string; days_before: number; points: number; expires_at: Date }>(sql`
        SELECT r.* FROM (
          SELECT p.member_id, to_char(p.expires_at AT TIME ZONE ${program.timezone}, 'YYYY-MM-DD') AS due_date, w.days_before,
                 sum(p.remaining)::int AS points, max(p.expires_at) AS expires_at
          FROM points_entries p
          JOIN unnest(${leads}::int[], ${shorter}::int[]) AS w(days_before, down_to)
            ON p.expires_at > ${now}::timestamptz + make_interval(days => w.down_to)
           AND p.expires_at <= ${now}::timestamptz + make_interval(days => w.days_before)
          WHERE p.member_id BETWEEN ${lo} AND ${hi} AND p.remaining > 0
            AND p.expires_at > ${now} AND p.expires_at <= ${now}::timestamptz + make_interval(days => ${horizon}::int)
          GROUP BY 1, 2, 3
        ) r
        WHERE NOT EXISTS (SELECT 1 FROM member_events e WHERE e.source = 'system'
                            AND e.event_id = 'points.expiring:' || r.member_id || ':' || r.due_date || ':' || r.days_before)
        ORDER BY r.member_id, r.due_date, r.days_before`);
      const events: IngestEvent[] = due.map((d) => ({
        id: expiringEventId(d.member_id, d.due_date, d.days_before),
        memberId: d.member_id,
        name: "points.expiring",
        occurredAt: now,
        properties: { points: d.points, date: d.due_date, expiresAt: d.expires_at.toISOString(), daysBefore: d.days_before },
      }));
      let accepted = 0;
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) accepted += (await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now })).accepted;
      return accepted;
    });
  });
  return { ...run, ...ranges };
}
