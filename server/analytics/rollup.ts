// SERVER-ONLY. The Insights daily rollup: one `insights_days` row per past local day with the
// day's figures (new members, counted orders, spend kept, coupon redemptions, discount) and the
// members active that day as a bitmap, so the overview reads a year as 366 rows instead of millions
// of orders. Figures mean exactly what docs/insights.md says (the same COUNTED rule and local
// days as the live queries in overview.ts).
//
// Freshness: a day is rolled once it has been over for an hour (a writer that began before its
// midnight has committed by then). Triggers mark a rolled day dirty when its orders,
// registrations or redemptions change (late orders, refunds, rollbacks); the overview reads dirty
// and unrolled days live, so its figures are exact either way. The refresh runs every 10 minutes
// on both runtimes (graphile-worker's `refresh_insights`, Inngest's `refresh-insights`).
import { raw, sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { createPrismaClient, type PrismaClient } from "@/server/prisma-client";
import { COUNTED, packMemberIds } from "./day-orders";
import { addDays, PROGRAM_TIMEZONE, periodRange, todayIn } from "./periods";
import { radarGroupsComputedAt, refreshRadarGroups } from "./radar";

/** Bitmaps grow in steps of this many member ids, so they are rarely re-padded. */
const BITMAP_STEP = 1 << 16;
/** A day is rolled only once it has been over this long. */
const SETTLE_MS = 60 * 60 * 1000;
/** Advisory lock key shared with the marking trigger (hashtext('insights_days') in the migration). */
const LOCK = sql`hashtext('insights_days')`;

/** The newest day that may be rolled at `now`: the day before the one an hour ago was in. */
export function lastSettledDay(now: Date): string {
  return addDays(todayIn(PROGRAM_TIMEZONE, new Date(now.getTime() - SETTLE_MS)), -1);
}

const localDay = (column: string) => raw(`(${column} AT TIME ZONE '${PROGRAM_TIMEZONE}')::date`);

/** Days that need rolling up to `through`: never rolled, or marked dirty since. Oldest first. */
async function daysToRoll(pool: Pool, through: string): Promise<string[]> {
  const { rows: first } = await pool.query<{ day: string | null }>(`
    SELECT (least(
      (SELECT min(placed_at) FROM orders), (SELECT min(registered_at) FROM members), (SELECT min(redeemed_at) FROM coupon_redemptions)
    ) AT TIME ZONE '${PROGRAM_TIMEZONE}')::date::text AS day`);
  if (!first[0]?.day) return [];
  const from = first[0].day;
  const { rows } = await pool.query<{ day: string }>(
    `SELECT d::date::text AS day FROM generate_series($1::date, $2::date, interval '1 day') d
     WHERE NOT EXISTS (SELECT 1 FROM insights_days i WHERE i.day = d::date AND i.order_members IS NOT NULL)
     UNION SELECT day::text FROM insights_dirty_days WHERE day <= $2::date
     ORDER BY 1`,
    [from, through],
  );
  return rows.map((r) => r.day);
}

/** Bits per bitmap: enough for every member id, and never shorter than the rolled rows'. */
async function bitmapLength(tx: Tx): Promise<number> {
  const [row] = await tx.query<{ max_id: number | null; len: number | null }>(sql`
    SELECT (SELECT max(id) FROM members) AS max_id, (SELECT length(active_members) FROM insights_days LIMIT 1) AS len`);
  const needed = Math.ceil(((row?.max_id ?? 0) + 1) / BITMAP_STEP) * BITMAP_STEP;
  const current = row?.len ?? 0;
  if (current > 0 && needed > current) {
    // Ids outgrew the bitmaps: pad every rolled day with zeros (members who did not exist then).
    await tx.execute(sql`UPDATE insights_days SET active_members = active_members || repeat('0', ${needed - current})::varbit`);
  }
  return Math.max(needed, current);
}

/** Rolls `days` (local dates) in one transaction. */
async function rollDays(pool: Pool, days: string[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    // Writers marking a rolled day hold the shared lock until they commit: once this is granted,
    // every change to these days is either visible below or will mark them again afterwards.
    await tx.query(sql`SELECT pg_advisory_xact_lock(${LOCK})`);
    await tx.execute(sql`DELETE FROM insights_dirty_days WHERE day = ANY(${days}::date[])`);
    const length = await bitmapLength(tx);
    const sorted = [...days].sort();
    const { start } = periodRange({ from: sorted[0]!, to: sorted[0]! });
    const { end } = periodRange({ from: sorted.at(-1)!, to: sorted.at(-1)! });
    const inDays = (column: string) => sql`${localDay(column)} = ANY(${days}::date[])`;

    // One connection: the statements run one after another.
    const orders = await tx.query<{ day: string; orders: number; spend: string }>(sql`
        SELECT ${localDay("o.placed_at")}::text AS day, count(*)::int AS orders, sum(o.total_amount - o.refunded_amount)::text AS spend
        FROM orders o WHERE o.placed_at >= ${start} AND o.placed_at < ${end} AND ${inDays("o.placed_at")} AND ${COUNTED} GROUP BY 1`);
    const members = await tx.query<{ day: string; member_id: number }>(sql`
        SELECT ${localDay("o.placed_at")}::text AS day, o.member_id
        FROM orders o WHERE o.placed_at >= ${start} AND o.placed_at < ${end} AND ${inDays("o.placed_at")} AND ${COUNTED}`);
    const registered = await tx.query<{ day: string; n: number }>(sql`
        SELECT ${localDay("m.registered_at")}::text AS day, count(*)::int AS n
        FROM members m WHERE m.registered_at >= ${start} AND m.registered_at < ${end} AND ${inDays("m.registered_at")} GROUP BY 1`);
    const redeemed = await tx.query<{ day: string; n: number; discount: string }>(sql`
        SELECT ${localDay("r.redeemed_at")}::text AS day, count(*)::int AS n, sum(r.discount_amount)::text AS discount
        FROM coupon_redemptions r WHERE r.redeemed_at >= ${start} AND r.redeemed_at < ${end} AND ${inDays("r.redeemed_at")}
          AND r.rolled_back_at IS NULL GROUP BY 1`);

    // Bit n (from the left, as get_bit numbers them) stands for member id n.
    const bitmaps = new Map(days.map((d) => [d, Buffer.alloc(length / 8)]));
    const orderMembers = new Map(days.map((d) => [d, [] as number[]]));
    for (const { day, member_id } of members) {
      bitmaps.get(day)![member_id >> 3]! |= 0x80 >> (member_id & 7);
      orderMembers.get(day)!.push(member_id);
    }
    const ordersBy = new Map(orders.map((r) => [r.day, r]));
    const registeredBy = new Map(registered.map((r) => [r.day, r.n]));
    const redeemedBy = new Map(redeemed.map((r) => [r.day, r]));
    const popcount = (b: Buffer) => {
      let n = 0;
      for (const byte of b) n += BITS[byte]!;
      return n;
    };
    // One day per statement: each bitmap travels as a hex literal (four bits a digit).
    for (const day of days) {
      const bitmap = bitmaps.get(day)!;
      await tx.execute(sql`
        INSERT INTO insights_days (day, new_members, orders, spend, active, active_members, order_members, redemptions, discount, rolled_at)
        VALUES (${day}::date, ${registeredBy.get(day) ?? 0}, ${ordersBy.get(day)?.orders ?? 0}, ${ordersBy.get(day)?.spend ?? "0"}::numeric,
                ${popcount(bitmap)}, ${`x${bitmap.toString("hex")}`}::varbit, ${packMemberIds(orderMembers.get(day)!)}, ${redeemedBy.get(day)?.n ?? 0},
                ${redeemedBy.get(day)?.discount ?? "0"}::numeric, now())
        ON CONFLICT (day) DO UPDATE SET new_members = EXCLUDED.new_members, orders = EXCLUDED.orders, spend = EXCLUDED.spend,
          active = EXCLUDED.active, active_members = EXCLUDED.active_members, order_members = EXCLUDED.order_members, redemptions = EXCLUDED.redemptions,
          discount = EXCLUDED.discount, rolled_at = EXCLUDED.rolled_at`);
    }
  });
}

const BITS = Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let v = i; v; v >>= 1) n += v & 1;
  return n;
});

export type RollupRun = { rolled: number; remaining: number };

/** How often the radar's standard groups are recomputed. */
const GROUPS_EVERY_MS = 60 * 60 * 1000;
const clients = new Map<string, PrismaClient>();

/**
 * The Insights refresh both runtimes run every 10 minutes: the daily rollup, then the radar's
 * standard groups when their figures are an hour old. `groups`: how many were recomputed.
 */
export async function refreshInsights(pool: Pool, now = new Date(), options: Parameters<typeof refreshInsightsDays>[2] = {}): Promise<RollupRun & { groups: number }> {
  const days = await refreshInsightsDays(pool, now, options);
  const url = pool.options.connectionString!;
  if (!clients.has(url)) clients.set(url, createPrismaClient(url, 2));
  const db = clients.get(url)!;
  const at = await radarGroupsComputedAt(db);
  const due = !at || now.getTime() - at.getTime() >= GROUPS_EVERY_MS;
  return { ...days, groups: due && !options.stopping?.() ? await refreshRadarGroups(db, now) : 0 };
}

/**
 * Rolls every settled day that is missing or dirty, `chunkDays` per transaction, at most
 * `maxDays` per call (the rest waits for the next run; `remaining` says how many).
 */
export async function refreshInsightsDays(
  pool: Pool,
  now = new Date(),
  options: { chunkDays?: number; maxDays?: number; stopping?: () => boolean } = {},
): Promise<RollupRun> {
  const chunkDays = options.chunkDays ?? 31;
  const todo = await daysToRoll(pool, lastSettledDay(now));
  const budget = Math.min(todo.length, options.maxDays ?? Infinity);
  let rolled = 0;
  while (rolled < budget && !options.stopping?.()) {
    const chunk = todo.slice(rolled, Math.min(budget, rolled + chunkDays));
    await rollDays(pool, chunk);
    rolled += chunk.length;
  }
  return { rolled, remaining: todo.length - rolled };
}
