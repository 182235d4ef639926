// member_stats: the derived per-member figures that filters, charts and lifecycle playbooks
// read (order counts and spend over fixed windows, visits).
//
// Conventions:
// - A window of N days means "after asOf − N days": `placed_at > asOf - N days` (no upper
//   bound; nothing is expected after asOf, which is now() outside tests).
// - Spend is orders.total_amount − refunded_amount, the amount paid after discounts and kept;
//   a fully refunded order counts in no order count.
import type pg from "pg";
import { raw, sql, type Tx } from "@/server/db/sql";

/** The fixed windows kept in member_stats (orders_30d … spend_365d, visits_30d/90d). */
export const STAT_WINDOWS_DAYS = [30, 90, 180, 365] as const;

// RFM scores and lifecycle stages live beside these figures but are evaluated under the configured
// thresholds by server/loyalty/lifecycle/evaluate.ts (daily, after Settings changes, and for the
// members whose orders arrive); this module never writes them.

type Queryable = pg.Pool | pg.PoolClient | pg.Client;

const windowed = (days: number) => `o.placed_at > p.as_of - interval '${days} days'`;
/** An order (alias `o`) that still counts (not fully refunded), and what it still spends. */
export const COUNTED = `NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)`;
export const NET = `(o.total_amount - o.refunded_amount)`;

const visitWindowed = (days: number) => `v.visited_at > p.as_of - interval '${days} days'`;

// The window lengths are compile-time constants of this module, not input;
// everything that varies per call is a bind parameter.
const REFRESH_SQL = `
WITH p AS (SELECT coalesce($2::timestamptz, now()) AS as_of),
target AS (
  SELECT m.id, m.registered_at FROM members m WHERE $1::int[] IS NULL OR m.id = ANY($1::int[])
),
o AS (
  SELECT o.member_id,
         count(*)::int AS order_count,
         sum(${NET}) AS total_spend,
         min(o.placed_at) AS first_order_at,
         max(o.placed_at) AS last_order_at,
         ${STAT_WINDOWS_DAYS.map((d) => `count(*) FILTER (WHERE ${windowed(d)})::int AS orders_${d}d`).join(",\n         ")},
         ${STAT_WINDOWS_DAYS.map((d) => `coalesce(sum(${NET}) FILTER (WHERE ${windowed(d)}), 0) AS spend_${d}d`).join(",\n         ")}
    FROM orders o CROSS JOIN p
   WHERE ($1::int[] IS NULL OR o.member_id = ANY($1::int[])) AND ${COUNTED}
   GROUP BY o.member_id
),
v AS (
  SELECT v.member_id,
         count(*)::int AS visit_count,
         count(*) FILTER (WHERE ${visitWindowed(30)})::int AS visits_30d,
         count(*) FILTER (WHERE ${visitWindowed(90)})::int AS visits_90d,
         max(v.visited_at) AS last_visit_at
    FROM visits v CROSS JOIN p
   WHERE $1::int[] IS NULL OR v.member_id = ANY($1::int[])
   GROUP BY v.member_id
),
fresh AS (
  SELECT t.id AS member_id,
         coalesce(o.order_count, 0) AS order_count,
         coalesce(o.total_spend, 0) AS total_spend,
         o.first_order_at, o.last_order_at,
         ${STAT_WINDOWS_DAYS.map((d) => `coalesce(o.orders_${d}d, 0) AS orders_${d}d`).join(", ")},
         ${STAT_WINDOWS_DAYS.map((d) => `coalesce(o.spend_${d}d, 0) AS spend_${d}d`).join(", ")},
         coalesce(v.visit_count, 0) AS visit_count,
         coalesce(v.visits_30d, 0) AS visits_30d,
         coalesce(v.visits_90d, 0) AS visits_90d,
         v.last_visit_at
    FROM target t CROSS JOIN p
    LEFT JOIN o ON o.member_id = t.id
    LEFT JOIN v ON v.member_id = t.id
)
INSERT INTO member_stats (
  member_id, order_count, total_spend, first_order_at, last_order_at,
  ${STAT_WINDOWS_DAYS.map((d) => `orders_${d}d`).join(", ")}, ${STAT_WINDOWS_DAYS.map((d) => `spend_${d}d`).join(", ")},
  visit_count, visits_30d, visits_90d, last_visit_at, refreshed_at)
SELECT f.member_id, f.order_count, f.total_spend, f.first_order_at, f.last_order_at,
       ${STAT_WINDOWS_DAYS.map((d) => `f.orders_${d}d`).join(", ")}, ${STAT_WINDOWS_DAYS.map((d) => `f.spend_${d}d`).join(", ")},
       f.visit_count, f.visits_30d, f.visits_90d, f.last_visit_at, now()
  FROM fresh f
ON CONFLICT (member_id) DO UPDATE SET
  order_count = EXCLUDED.order_count, total_spend = EXCLUDED.total_spend,
  first_order_at = EXCLUDED.first_order_at, last_order_at = EXCLUDED.last_order_at,
  ${STAT_WINDOWS_DAYS.map((d) => `orders_${d}d = EXCLUDED.orders_${d}d, spend_${d}d = EXCLUDED.spend_${d}d`).join(",\n  ")},
  visit_count = EXCLUDED.visit_count, visits_30d = EXCLUDED.visits_30d, visits_90d = EXCLUDED.visits_90d,
  last_visit_at = EXCLUDED.last_visit_at, refreshed_at = EXCLUDED.refreshed_at`;

/**
 * Recomputes member_stats in one set-based statement: for every member, or only for
 * `memberIds`. `asOf` (default: now) anchors the windows.
 * Returns the number of members written.
 */
export async function refreshMemberStats(
  db: Queryable,
  options: { memberIds?: number[]; asOf?: Date } = {},
): Promise<number> {
  const result = await db.query(REFRESH_SQL, [options.memberIds ?? null, options.asOf ?? null]);
  return result.rowCount ?? 0;
}

// Incremental updates as orders, refunds and visits arrive: counts, spend and last-order fields
// move at once; the windows' sliding waits for the hourly full refresh.

/** Adds newly recorded orders (net amount, when placed) to their members' statistics. */
export async function addOrdersToStats(tx: Tx, orders: { memberId: number; placedAt: Date; amount: number }[], asOf: Date) {
  if (orders.length === 0) return;
  const inWindow = (d: number) => `u.placed_at > a.as_of - interval '${d} days'`;
  await tx.execute(sql`
    WITH a AS (SELECT ${asOf}::timestamptz AS as_of),
    d AS (
      SELECT u.member_id, count(*)::int AS n, sum(u.amount) AS spend, min(u.placed_at) AS first_at, max(u.placed_at) AS last_at,
             ${raw(STAT_WINDOWS_DAYS.map((d) => `count(*) FILTER (WHERE ${inWindow(d)})::int AS n_${d}, coalesce(sum(u.amount) FILTER (WHERE ${inWindow(d)}), 0) AS s_${d}`).join(", "))}
      FROM unnest(${orders.map((o) => o.memberId)}::int[], ${orders.map((o) => o.placedAt.toISOString())}::timestamptz[], ${orders.map((o) => o.amount)}::numeric[])
           AS u(member_id, placed_at, amount) CROSS JOIN a
      GROUP BY u.member_id
    )
    INSERT INTO member_stats AS s (member_id, order_count, total_spend, first_order_at, last_order_at,
      ${raw(STAT_WINDOWS_DAYS.map((d) => `orders_${d}d, spend_${d}d`).join(", "))})
    SELECT d.member_id, d.n, d.spend, d.first_at, d.last_at, ${raw(STAT_WINDOWS_DAYS.map((d) => `d.n_${d}, d.s_${d}`).join(", "))}
    FROM d JOIN members m ON m.id = d.member_id
    ON CONFLICT (member_id) DO UPDATE SET
      order_count = s.order_count + EXCLUDED.order_count,
      total_spend = s.total_spend + EXCLUDED.total_spend,
      first_order_at = LEAST(s.first_order_at, EXCLUDED.first_order_at),
      last_order_at = GREATEST(s.last_order_at, EXCLUDED.last_order_at),
      ${raw(STAT_WINDOWS_DAYS.map((d) => `orders_${d}d = s.orders_${d}d + EXCLUDED.orders_${d}d, spend_${d}d = s.spend_${d}d + EXCLUDED.spend_${d}d`).join(",\n      "))}`);
}

/**
 * Takes refunded amounts out of spend; an order refunded in full (`removed`) leaves the counts.
 * Its placement time says which windows it was in.
 */
export async function subtractRefundsFromStats(tx: Tx, refunds: { memberId: number; placedAt: Date; amount: number; removed: boolean }[], asOf: Date) {
  if (refunds.length === 0) return;
  const inWindow = (d: number) => `u.placed_at > ${"(SELECT as_of FROM a)"} - interval '${d} days'`;
  await tx.execute(sql`
    WITH a AS (SELECT ${asOf}::timestamptz AS as_of),
    d AS (
      SELECT u.member_id, count(*) FILTER (WHERE u.removed)::int AS n, sum(u.amount) AS spend,
             ${raw(STAT_WINDOWS_DAYS.map((d) => `count(*) FILTER (WHERE u.removed AND ${inWindow(d)})::int AS n_${d}, coalesce(sum(u.amount) FILTER (WHERE ${inWindow(d)}), 0) AS s_${d}`).join(", "))}
      FROM unnest(${refunds.map((r) => r.memberId)}::int[], ${refunds.map((r) => r.placedAt.toISOString())}::timestamptz[],
                  ${refunds.map((r) => r.amount)}::numeric[], ${refunds.map((r) => r.removed)}::boolean[]) AS u(member_id, placed_at, amount, removed)
      GROUP BY u.member_id
    )
    UPDATE member_stats s SET
      order_count = greatest(0, s.order_count - d.n),
      total_spend = greatest(0, s.total_spend - d.spend),
      ${raw(STAT_WINDOWS_DAYS.map((d) => `orders_${d}d = greatest(0, s.orders_${d}d - d.n_${d}), spend_${d}d = greatest(0, s.spend_${d}d - d.s_${d})`).join(",\n      "))}
    FROM d WHERE s.member_id = d.member_id`);
}

/** Adds recorded visits to their members' statistics. */
export async function addVisitsToStats(tx: Tx, visits: { memberId: number; visitedAt: Date }[], asOf: Date) {
  if (visits.length === 0) return;
  await tx.execute(sql`
    WITH a AS (SELECT ${asOf}::timestamptz AS as_of),
    d AS (
      SELECT u.member_id, count(*)::int AS n, max(u.visited_at) AS last_at,
             count(*) FILTER (WHERE u.visited_at > a.as_of - interval '30 days')::int AS n_30,
             count(*) FILTER (WHERE u.visited_at > a.as_of - interval '90 days')::int AS n_90
      FROM unnest(${visits.map((v) => v.memberId)}::int[], ${visits.map((v) => v.visitedAt.toISOString())}::timestamptz[]) AS u(member_id, visited_at)
      CROSS JOIN a GROUP BY u.member_id
    )
    INSERT INTO member_stats AS s (member_id, visit_count, visits_30d, visits_90d, last_visit_at)
    SELECT d.member_id, d.n, d.n_30, d.n_90, d.last_at FROM d JOIN members m ON m.id = d.member_id
    ON CONFLICT (member_id) DO UPDATE SET
      visit_count = s.visit_count + EXCLUDED.visit_count,
      visits_30d = s.visits_30d + EXCLUDED.visits_30d,
      visits_90d = s.visits_90d + EXCLUDED.visits_90d,
      last_visit_at = GREATEST(s.last_visit_at, EXCLUDED.last_visit_at)`);
}
