// The points ledger. Entries are appended, never changed in amount; `members.points_balance`
// caches their sum in the same transaction. Credits (earn, positive adjust) are lots whose
// `remaining` is their unconsumed part: redemptions and reversals consume the oldest lot first
// (FIFO, by due date), and expiry takes exactly what is left of a lot when it falls due.
//
// Every change to a member's points runs under that member's row lock (`FOR UPDATE`, members in id
// order), after expiring what is due for them at `now`: concurrent earnings, redemptions, refunds
// and the expiry job serialise per member, and a history reads the same whatever order they ran in.
// Exactly-once comes from unique keys: `effect_key` per order, refund step, redemption and expiry.
// The balance never goes below 0: what a refund cannot take back is `members.points_debt`, repaid
// first by later earnings.
// Server-only: the lint allow-list keeps components/ away (no `import "server-only"`: vitest and tsx scripts import it).
import { DomainError } from "@/server/errors";
import { sql, type Tx } from "@/server/db/sql";
import type { IngestEvent } from "@/server/events/ingest";
import { loadProgram } from "./program";
import { expiryOf, pointsForPaid, type LoyaltyProgram } from "./program-schema";
import { benefitsOfMembers } from "./tiers/benefits";

/** Locks the members' rows, in id order (the one order every writer takes them in). */
export async function lockMembers(tx: Tx, memberIds: number[]): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.query(sql`SELECT id FROM members WHERE id = ANY(${[...new Set(memberIds)]}::int[]) ORDER BY id FOR UPDATE`);
}

export type Expired = { memberId: number; points: number; entryId: number };

/**
 * Expires what is due at `now` for the members (whose rows the caller has locked): each lot past its
 * date gives up what is left of it. One `expire` entry per member and due date takes what its lots
 * held (a year-end expiry writes one line per member, not one per order), keyed by the first lot it
 * empties: an emptied lot is never due again, so the key is never reused.
 */
export async function expireDueFor(tx: Tx, memberIds: number[], now: Date): Promise<Expired[]> {
  if (memberIds.length === 0) return [];
  // One statement, one snapshot: `due` reads what the lots hold before `zeroed` empties them (the
  // members are locked, so nothing else moves them in between). Every step is bounded by the
  // members' ids, so each reads an index rather than the whole ledger.
  const rows = await tx.query<{ member_id: number; points: number; entry_id: number }>(sql`
    WITH due AS (
      SELECT id, member_id, remaining, expires_at FROM points_entries
      WHERE member_id = ANY(${memberIds}::int[]) AND remaining > 0 AND expires_at <= ${now}
    ), zeroed AS (
      UPDATE points_entries SET remaining = 0
      WHERE member_id = ANY(${memberIds}::int[]) AND remaining > 0 AND expires_at <= ${now}
      RETURNING id
    ), written AS (
      INSERT INTO points_entries (member_id, type, amount, reason, effect_key, created_at)
      SELECT member_id, 'expire', -sum(remaining), 'expired', 'expire:' || min(id), expires_at FROM due GROUP BY member_id, expires_at
      ON CONFLICT (effect_key) DO NOTHING
      RETURNING id, member_id, amount
    ), per_member AS (
      SELECT member_id, sum(amount)::int AS amount, min(id) AS entry_id FROM written GROUP BY member_id
    ), moved AS (
      UPDATE members m SET points_balance = m.points_balance + p.amount FROM per_member p
      WHERE m.id = p.member_id AND m.id = ANY(${memberIds}::int[]) RETURNING m.id
    )
    SELECT p.member_id, -p.amount AS points, p.entry_id FROM per_member p, (SELECT count(*) FROM zeroed) z`);
  return rows.map((r) => ({ memberId: r.member_id, points: r.points, entryId: r.entry_id }));
}

/** Events for flows: what expired, one per member. */
export const expiredEvents = (expired: Expired[], now: Date): IngestEvent[] =>
  expired.map((e) => ({ id: `points.expired:${e.entryId}`, memberId: e.memberId, name: "points.expired", occurredAt: now, properties: { points: e.points } }));

/**
 * Takes points out of the members' lots, oldest due date first (a reversal takes from its own
 * order's lot first). One need per member; each need at most what the member holds.
 */
export async function consumeLots(tx: Tx, needs: { memberId: number; points: number; preferOrderId: number | null }[]): Promise<void> {
  const live = needs.filter((n) => n.points > 0);
  if (live.length === 0) return;
  await tx.execute(sql`
    WITH need AS (
      SELECT * FROM unnest(${live.map((n) => n.memberId)}::int[], ${live.map((n) => n.points)}::int[], ${live.map((n) => n.preferOrderId)}::int[])
        AS n(member_id, points, prefer_order_id)
    ), lots AS (
      SELECT l.id, l.remaining, n.points,
             coalesce(sum(l.remaining) OVER (PARTITION BY l.member_id
               ORDER BY (l.order_id IS NOT DISTINCT FROM n.prefer_order_id AND n.prefer_order_id IS NOT NULL) DESC, l.expires_at NULLS LAST, l.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
      FROM points_entries l JOIN need n ON n.member_id = l.member_id
      WHERE l.remaining > 0
    )
    UPDATE points_entries e SET remaining = e.remaining - least(l.remaining, l.points - l.before)
    FROM lots l WHERE e.id = l.id AND l.points > l.before`);
}

/** Keys of these entries already in the ledger (read under the members' locks: race-free). */
async function existingKeys(tx: Tx, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await tx.query<{ effect_key: string }>(sql`SELECT effect_key FROM points_entries WHERE effect_key = ANY(${keys}::text[])`);
  return new Set(rows.map((r) => r.effect_key));
}

/** The first item of each key (a key is written once). */
function uniqueByKey<T extends { key: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.key) && (seen.add(i.key), true));
}

/** Splits items into rounds in which each member appears once (a statement reads each member once). */
function rounds<T extends { memberId: number }>(items: T[]): T[][] {
  const out: T[][] = [];
  const depth = new Map<number, number>();
  for (const item of items) {
    const d = depth.get(item.memberId) ?? 0;
    depth.set(item.memberId, d + 1);
    (out[d] ??= []).push(item);
  }
  return out;
}

export type Credit = { memberId: number; points: number; key: string; reason: string; orderId?: number | null; expiresAt: Date | null };
export type Written = { entryId: number; memberId: number; points: number; key: string };

/**
 * Credits points (a lot each), once per key. A member's debt is repaid first: the entry credits
 * what is left and records the repayment in `debt_delta`.
 */
export async function creditPoints(tx: Tx, credits: Credit[], now: Date, type: "earn" | "adjust" = "earn"): Promise<Written[]> {
  const live = uniqueByKey(credits.filter((c) => c.points > 0));
  if (live.length === 0) return [];
  const memberIds = live.map((c) => c.memberId);
  await lockMembers(tx, memberIds);
  await expireDueFor(tx, memberIds, now);
  const known = await existingKeys(tx, live.map((c) => c.key));
  const written: Written[] = [];
  for (const round of rounds(live.filter((c) => !known.has(c.key)))) {
    const rows = await tx.query<{ id: number; member_id: number; amount: number; effect_key: string }>(sql`
      WITH c AS (
        SELECT * FROM unnest(${round.map((c) => c.memberId)}::int[], ${round.map((c) => c.points)}::int[], ${round.map((c) => c.key)}::text[],
                             ${round.map((c) => c.reason)}::text[], ${round.map((c) => c.orderId ?? null)}::int[], ${round.map((c) => c.expiresAt?.toISOString() ?? null)}::timestamptz[])
          AS c(member_id, points, effect_key, reason, order_id, expires_at)
      ), ins AS (
        INSERT INTO points_entries (member_id, type, amount, reason, expires_at, effect_key, order_id, remaining, debt_delta, created_at)
        SELECT c.member_id, ${type}::"PointsEntryType", c.points - least(c.points, m.points_debt), c.reason, c.expires_at, c.effect_key, c.order_id,
               c.points - least(c.points, m.points_debt), -least(c.points, m.points_debt), ${now}
        FROM c JOIN members m ON m.id = c.member_id
        ON CONFLICT (effect_key) DO NOTHING
        RETURNING id, member_id, amount, debt_delta, effect_key
      ), moved AS (
        UPDATE members m SET points_balance = m.points_balance + ins.amount, points_debt = m.points_debt + ins.debt_delta
        FROM ins WHERE m.id = ins.member_id RETURNING m.id
      )
      SELECT id, member_id, amount, effect_key FROM ins`);
    written.push(...rows.map((r) => ({ entryId: r.id, memberId: r.member_id, points: r.amount, key: r.effect_key })));
  }
  return written;
}

export type Debit = {
  memberId: number;
  points: number;
  key: string;
  reason: string;
  type: "redeem" | "reverse" | "adjust";
  /** `exact`: refuse when the balance is short; `up_to_balance`: take what there is; `debt`: the rest becomes debt. */
  shortfall: "exact" | "up_to_balance" | "debt";
  orderId?: number | null;
};

/** Debits points, once per key, from the oldest lots (a reversal from its order's lot first). */
export async function debitPoints(tx: Tx, debits: Debit[], now: Date): Promise<Written[]> {
  const live = uniqueByKey(debits.filter((d) => d.points > 0));
  if (live.length === 0) return [];
  const memberIds = live.map((d) => d.memberId);
  await lockMembers(tx, memberIds);
  await expireDueFor(tx, memberIds, now);
  const known = await existingKeys(tx, live.map((d) => d.key));
  const written: Written[] = [];
  for (const round of rounds(live.filter((d) => !known.has(d.key)))) {
    const balances = new Map(
      (await tx.query<{ id: number; points_balance: number }>(sql`SELECT id, points_balance FROM members WHERE id = ANY(${round.map((d) => d.memberId)}::int[])`)).map((r) => [r.id, r.points_balance]),
    );
    const planned = round.map((d) => {
      const balance = balances.get(d.memberId) ?? 0;
      if (d.shortfall === "exact" && balance < d.points) {
        throw new DomainError("invalid", `Member ${d.memberId} has ${balance} points, ${d.points} are needed`, { field: "points", balance });
      }
      const take = Math.min(balance, d.points);
      return { ...d, take, debt: d.shortfall === "debt" ? d.points - take : 0 };
    });
    await consumeLots(tx, planned.map((p) => ({ memberId: p.memberId, points: p.take, preferOrderId: p.type === "reverse" ? (p.orderId ?? null) : null })));
    const rows = await tx.query<{ id: number; member_id: number; amount: number; effect_key: string }>(sql`
      WITH d AS (
        SELECT * FROM unnest(${planned.map((p) => p.memberId)}::int[], ${planned.map((p) => p.type)}::text[], ${planned.map((p) => -p.take)}::int[],
                             ${planned.map((p) => p.reason)}::text[], ${planned.map((p) => p.key)}::text[], ${planned.map((p) => p.orderId ?? null)}::int[], ${planned.map((p) => p.debt)}::int[])
          AS d(member_id, type, amount, reason, effect_key, order_id, debt)
      ), ins AS (
        INSERT INTO points_entries (member_id, type, amount, reason, effect_key, order_id, debt_delta, created_at)
        SELECT member_id, type::"PointsEntryType", amount, reason, effect_key, order_id, debt, ${now} FROM d
        RETURNING id, member_id, amount, debt_delta, effect_key
      ), moved AS (
        UPDATE members m SET points_balance = m.points_balance + ins.amount, points_debt = m.points_debt + ins.debt_delta
        FROM ins WHERE m.id = ins.member_id RETURNING m.id
      )
      SELECT id, member_id, amount, effect_key FROM ins`);
    written.push(...rows.map((r) => ({ entryId: r.id, memberId: r.member_id, points: -r.amount, key: r.effect_key })));
  }
  return written;
}

export type PlacedOrder = { orderId: number; externalId: string; memberId: number; paid: number };

/**
 * Orders earn points: paid amount × earn rate × the member's tier multiplier, once per order, in a
 * lot that expires by the program's rule. Returns `points.earned` events for the flows.
 */
export async function earnForOrders(tx: Tx, orders: PlacedOrder[], now: Date, program?: LoyaltyProgram): Promise<IngestEvent[]> {
  if (orders.length === 0) return [];
  const p = program ?? (await loadProgram(tx));
  // The multiplier is the member's tier benefit (server/loyalty/tiers: one source of truth).
  const benefits = await benefitsOfMembers(tx, orders.map((o) => o.memberId));
  const expiresAt = expiryOf(now, p.expiry, p.timezone);
  const gross = new Map<string, PlacedOrder & { points: number }>();
  const credits: Credit[] = [];
  for (const o of orders) {
    const points = pointsForPaid(o.paid, p.earnRate, benefits.get(o.memberId)?.benefits.pointsMultiplier ?? 1);
    if (points <= 0) continue;
    const key = orderEarnKey(o.orderId);
    gross.set(key, { ...o, points });
    credits.push({ memberId: o.memberId, points, key, reason: `order:${o.externalId}`, orderId: o.orderId, expiresAt });
  }
  const written = await creditPoints(tx, credits, now);
  return written.map((w) => {
    const o = gross.get(w.key)!;
    return { id: `points.earned:${w.entryId}`, memberId: w.memberId, name: "points.earned", occurredAt: now, properties: { points: o.points, credited: w.points, orderId: o.externalId } };
  });
}

export const orderEarnKey = (orderId: number) => `earn:order:${orderId}`;

export type Refund = { orderId: number; memberId: number; total: number; refundedBefore: number; refundedAfter: number };

/**
 * A refund takes back what its order earned, in proportion: after refunds totalling R of an order
 * of T that earned E, ⌊E·R/T⌋ has been taken back (all of E on a full refund). What the balance
 * cannot cover becomes debt.
 */
export async function reverseForRefunds(tx: Tx, refunds: Refund[], now: Date): Promise<Written[]> {
  if (refunds.length === 0) return [];
  const orderIds = [...new Set(refunds.map((r) => r.orderId))];
  // What each order earned, gross of the debt its earning repaid (seeded ledgers name the order too).
  const earned = new Map(
    (
      await tx.query<{ order_id: number; points: number }>(sql`
        SELECT order_id, sum(amount - debt_delta)::int AS points FROM points_entries
        WHERE order_id = ANY(${orderIds}::int[]) AND type = 'earn' GROUP BY order_id`)
    ).map((r) => [r.order_id, r.points]),
  );
  const cents = (v: number) => BigInt(Math.round(v * 100));
  const debits: Debit[] = [];
  for (const r of refunds) {
    const e = earned.get(r.orderId) ?? 0;
    if (e <= 0 || r.total <= 0) continue;
    const total = cents(r.total);
    const share = (refunded: number) => Number((BigInt(e) * (cents(refunded) < total ? cents(refunded) : total)) / total);
    const points = share(r.refundedAfter) - share(r.refundedBefore);
    if (points <= 0) continue;
    debits.push({ memberId: r.memberId, points, key: `reverse:order:${r.orderId}:${cents(r.refundedAfter)}`, reason: "refund", type: "reverse", shortfall: "debt", orderId: r.orderId });
  }
  return debitPoints(tx, debits, now);
}

/** A redemption (e.g. points → coupon): refused when the balance, after expiry, is short. */
export async function redeemPoints(tx: Tx, input: { memberId: number; points: number; key: string; reason: string }, now: Date): Promise<Written | null> {
  const [written] = await debitPoints(tx, [{ ...input, type: "redeem", shortfall: "exact" }], now);
  return written ?? null;
}
