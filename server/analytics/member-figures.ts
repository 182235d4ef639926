// SERVER-ONLY. The radar's per-member snapshot: each member's indicator inputs (last order, orders
// and spend in 365 days, points, visits in 90 days, registration, coupons issued and redeemed in
// the redemption window), computed hourly beside the standard groups. A group no precompute knows
// (a saved audience, a condition written on the spot) is then its member ids, read live, summed
// over this snapshot in memory: one scan of `members` instead of a join to their stats and a pass
// over their coupons. docs/insights.md says what each input counts.
import type { PrismaClient } from "@prisma/client";
import { sql } from "@/server/db/sql";

type Db = PrismaClient;

/**
 * A group's figures in a form that does not depend on the clock they are read at: average instants
 * (recency and tenure are `now` minus them), averages, and coupon counts.
 */
export type GroupSums = {
  size: number;
  lastOrderEpoch: number | null;
  frequency: number | null;
  spend: number | null;
  aov: number | null;
  points: number | null;
  visits: number | null;
  registeredEpoch: number | null;
  issued: number;
  redeemed: number;
};

/** Member ids per stored row: id >> CHUNK_BITS is its chunk. */
const CHUNK_BITS = 16;

/**
 * One member's record, big-endian (int4send / float8send), 48 bytes: id, last order (epoch seconds;
 * NaN: no order), orders, spend, points, visits, registered (epoch seconds), coupons issued,
 * redeemed. `decode` reads the same layout.
 */
const RECORD_BYTES = 48;

/**
 * Recomputes the snapshot as of `now` in one transaction (a reader sees the old one or the new one,
 * never a mix); coupons count when issued in [couponsSince, now).
 */
export async function refreshMemberFigures(db: Db, now: Date, couponsSince: Date): Promise<void> {
  const [{ max } = { max: null }] = await db.$queryRaw<{ max: number | null }[]>(sql`SELECT max(id) AS max FROM members`);
  const chunks = max === null ? 0 : (max >> CHUNK_BITS) + 1;
  const statements = [db.$executeRaw(sql`DELETE FROM insights_member_figures`)];
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = chunk << CHUNK_BITS;
    const to = (chunk + 1) << CHUNK_BITS;
    statements.push(
      db.$executeRaw(sql`
        INSERT INTO insights_member_figures (chunk, records, computed_at)
        SELECT ${chunk}, coalesce(string_agg(
                 int4send(m.id)
                 || float8send(coalesce(extract(epoch FROM s.last_order_at)::float8, 'NaN'))
                 || int4send(coalesce(s.orders_365d, 0))
                 || float8send(coalesce(s.spend_365d, 0)::float8)
                 || int4send(m.points_balance)
                 || int4send(coalesce(s.visits_90d, 0))
                 || float8send(extract(epoch FROM m.registered_at)::float8)
                 || int4send(coalesce(c.issued, 0))
                 || int4send(coalesce(c.redeemed, 0)), ''::bytea ORDER BY m.id), ''::bytea), ${now}
        FROM members m
        LEFT JOIN member_stats s ON s.member_id = m.id
        LEFT JOIN (
          SELECT member_id, count(*)::int AS issued, count(*) FILTER (WHERE status = 'redeemed')::int AS redeemed FROM coupons
          WHERE member_id >= ${from} AND member_id < ${to} AND issued_at >= ${couponsSince} AND issued_at < ${now}
          GROUP BY member_id) c ON c.member_id = m.id
        WHERE m.id >= ${from} AND m.id < ${to}`),
    );
  }
  await db.$transaction(statements);
}

/** The snapshot as columns, sorted by member id. */
type Snapshot = {
  computedAt: Date;
  ids: Int32Array;
  lastOrder: Float64Array;
  orders: Int32Array;
  spend: Float64Array;
  points: Int32Array;
  visits: Int32Array;
  registered: Float64Array;
  issued: Int32Array;
  redeemed: Int32Array;
};

/** The last snapshot read, and one being read, per client (a process serves one database; tests open several). */
const loaded = new WeakMap<Db, Snapshot>();
const loading = new WeakMap<Db, Promise<Snapshot>>();

/** When the snapshot was computed (null: never). */
export async function memberFiguresAt(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>(sql`SELECT max(computed_at) AS at FROM insights_member_figures`);
  return row?.at ?? null;
}

/**
 * The snapshot computed at `at` (memberFiguresAt), read once per refresh and kept in memory (48
 * bytes a member). While a newer one is read, the one kept answers if computed after `usableAfter`,
 * so only a process's first question waits for the read.
 */
export async function memberFigures(db: Db, at: Date, usableAfter: Date): Promise<Snapshot> {
  const kept = loaded.get(db);
  if (kept && kept.computedAt.getTime() === at.getTime()) return kept;
  let load = loading.get(db);
  if (!load) {
    load = readSnapshot(db, at).finally(() => loading.delete(db));
    load.catch(() => undefined); // a background read's failure surfaces on the next question that waits for one
    loading.set(db, load);
  }
  return kept && kept.computedAt > usableAfter ? kept : load;
}

async function readSnapshot(db: Db, at: Date): Promise<Snapshot> {
  // As base64 text: the driver adapter hands text over many times faster than bytea.
  const rows = await db.$queryRaw<{ records: string; computed_at: Date }[]>(
    sql`SELECT encode(records, 'base64') AS records, computed_at FROM insights_member_figures ORDER BY chunk`,
  );
  const snapshot = decode(rows.map((r) => Buffer.from(r.records, "base64")), rows[0]?.computed_at ?? at);
  loaded.set(db, snapshot);
  return snapshot;
}

function decode(chunks: Buffer[], computedAt: Date): Snapshot {
  const n = chunks.reduce((sum, b) => sum + b.byteLength / RECORD_BYTES, 0);
  const s: Snapshot = {
    computedAt,
    ids: new Int32Array(n),
    lastOrder: new Float64Array(n),
    orders: new Int32Array(n),
    spend: new Float64Array(n),
    points: new Int32Array(n),
    visits: new Int32Array(n),
    registered: new Float64Array(n),
    issued: new Int32Array(n),
    redeemed: new Int32Array(n),
  };
  let i = 0;
  for (const bytes of chunks) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bytes.byteLength; at += RECORD_BYTES, i++) {
      s.ids[i] = view.getInt32(at);
      s.lastOrder[i] = view.getFloat64(at + 4);
      s.orders[i] = view.getInt32(at + 12);
      s.spend[i] = view.getFloat64(at + 16);
      s.points[i] = view.getInt32(at + 24);
      s.visits[i] = view.getInt32(at + 28);
      s.registered[i] = view.getFloat64(at + 32);
      s.issued[i] = view.getInt32(at + 40);
      s.redeemed[i] = view.getInt32(at + 44);
    }
  }
  return s;
}

/**
 * A group's sums: `ids` (sorted) are its members now; each is looked up in the snapshot. The size
 * is the group's now; a member who joined since the snapshot is not in its figures until the next.
 */
export function sumMembers(s: Snapshot, ids: Int32Array): GroupSums {
  let n = 0, withOrder = 0, lastOrder = 0, orders = 0, spend = 0, points = 0, visits = 0, registered = 0, issued = 0, redeemed = 0;
  let j = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    while (j < s.ids.length && s.ids[j]! < id) j++;
    if (j === s.ids.length) break;
    if (s.ids[j] !== id) continue;
    n++;
    if (!Number.isNaN(s.lastOrder[j]!)) {
      withOrder++;
      lastOrder += s.lastOrder[j]!;
    }
    orders += s.orders[j]!;
    spend += s.spend[j]!;
    points += s.points[j]!;
    visits += s.visits[j]!;
    registered += s.registered[j]!;
    issued += s.issued[j]!;
    redeemed += s.redeemed[j]!;
  }
  const avg = (sum: number) => (n ? sum / n : null);
  return {
    size: ids.length,
    lastOrderEpoch: withOrder ? lastOrder / withOrder : null,
    frequency: avg(orders),
    spend: avg(spend),
    aov: orders ? spend / orders : null,
    points: avg(points),
    visits: avg(visits),
    registeredEpoch: avg(registered),
    issued,
    redeemed,
  };
}
