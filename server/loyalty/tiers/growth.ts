// Growth value: a ledger of dated entries, each lapsing `validityMonths` after it was earned. Paid
// orders earn (per currency unit), refunds take back their share (dated like the order's entry,
// so both lapse together), tasks earn (sign-in, review … any event the program lists). Every entry
// is unique on its effect key; `members.growth_value` is recomputed from the unlapsed entries in
// the same transaction, and a member whose growth value reaches a higher level moves up at once.
// Storefront orders, refunds and events reach here in the transaction that records them
// (server/storefront/events.ts), after the points ledger, under the same member locks.
// Server-only: the lint allow-list keeps components/ away.
import { TZDate } from "@date-fns/tz";
import { sql, type Tx } from "@/server/db/sql";
import type { IngestEvent } from "@/server/events/ingest";
import type { RecordedEvent } from "@/server/engine/waits";
import { lockMembers, type PlacedOrder, type Refund } from "@/server/loyalty/points";
import { loadProgram } from "@/server/loyalty/program";
import { tierChangedEvents, updateStandings } from "./changes";
import { growthForPaid, type TierProgram } from "./program-schema";
import { loadTierProgram } from "./program";

type GrowthCredit = { memberId: number; amount: number; key: string; reason: string; orderId: number | null; expiresAt: "lapse" | Date };

async function writeEntries(tx: Tx, credits: GrowthCredit[], program: TierProgram, now: Date): Promise<void> {
  const live = credits.filter((c) => c.amount !== 0);
  if (live.length === 0) return;
  await tx.execute(sql`
    INSERT INTO growth_entries (member_id, amount, reason, order_id, effect_key, earned_at, expires_at)
    SELECT c.member_id, c.amount, c.reason, c.order_id, c.effect_key, ${now},
           coalesce(c.expires_at, ${now}::timestamptz + make_interval(months => ${program.validityMonths}))
    FROM unnest(${live.map((c) => c.memberId)}::int[], ${live.map((c) => c.amount)}::int[], ${live.map((c) => c.reason)}::text[], ${live.map((c) => c.orderId)}::int[],
                ${live.map((c) => c.key)}::text[], ${live.map((c) => (c.expiresAt === "lapse" ? null : c.expiresAt.toISOString()))}::timestamptz[])
         AS c(member_id, amount, reason, order_id, effect_key, expires_at)
    ON CONFLICT (effect_key) DO NOTHING`);
}

/** What an order's growth entry earned and when it lapses (a refund's entry lapses with it). */
async function orderEntries(tx: Tx, orderIds: number[]): Promise<Map<number, { amount: number; expiresAt: Date | null }>> {
  if (orderIds.length === 0) return new Map();
  const rows = await tx.query<{ order_id: number; amount: number; expires_at: Date | null }>(sql`
    SELECT order_id, amount, expires_at FROM growth_entries WHERE effect_key = ANY(${orderIds.map(orderGrowthKey)}::text[])`);
  return new Map(rows.map((r) => [r.order_id, { amount: r.amount, expiresAt: r.expires_at }]));
}

export const orderGrowthKey = (orderId: number) => `growth:order:${orderId}`;

export type GrowthInput = { orders?: PlacedOrder[]; refunds?: Refund[]; events?: Pick<RecordedEvent, "id" | "memberId" | "name" | "occurredAt">[] };

/**
 * Growth value for what just happened: paid orders, refunds (their share of the order's growth,
 * ⌊G·R/T⌋ after refunds totalling R of T) and task events. Upgrades follow at once; returns the
 * `tier.changed` events for the flows.
 */
export async function earnGrowth(tx: Tx, input: GrowthInput, now: Date): Promise<IngestEvent[]> {
  const orders = input.orders ?? [];
  const refunds = input.refunds ?? [];
  const program = await loadTierProgram(tx);
  const tasks = new Map(program.tasks.map((t) => [t.event, t]));
  const events = (input.events ?? []).filter((e) => tasks.has(e.name));
  if (orders.length + refunds.length + events.length === 0) return [];

  const credits: GrowthCredit[] = orders.map((o) => ({
    memberId: o.memberId,
    amount: growthForPaid(o.paid, program.growthPerCurrencyUnit),
    key: orderGrowthKey(o.orderId),
    reason: `order:${o.externalId}`,
    orderId: o.orderId,
    expiresAt: "lapse",
  }));
  const earned = await orderEntries(tx, [...new Set(refunds.map((r) => r.orderId))]);
  const cents = (v: number) => BigInt(Math.round(v * 100));
  for (const r of refunds) {
    const entry = earned.get(r.orderId);
    if (!entry || entry.amount <= 0 || r.total <= 0) continue;
    const total = cents(r.total);
    const share = (refunded: number) => Number((BigInt(entry.amount) * (cents(refunded) < total ? cents(refunded) : total)) / total);
    const amount = share(r.refundedAfter) - share(r.refundedBefore);
    if (amount <= 0) continue;
    // An entry that never lapses (validity changed since) is matched by one that never lapses: a far date.
    credits.push({ memberId: r.memberId, amount: -amount, key: `growth:reverse:order:${r.orderId}:${cents(r.refundedAfter)}`, reason: "refund", orderId: r.orderId, expiresAt: entry.expiresAt ?? new Date("9999-12-31T00:00:00Z") });
  }
  if (events.length > 0) {
    const { timezone } = await loadProgram(tx);
    for (const e of events) {
      const task = tasks.get(e.name)!;
      const day = new TZDate(e.occurredAt.getTime(), timezone).toISOString().slice(0, 10);
      const key = task.oncePerDay ? `growth:task:${e.name}:${e.memberId}:${day}` : `growth:task:event:${e.id}`;
      credits.push({ memberId: e.memberId, amount: task.growth, key, reason: `task:${e.name}`, orderId: null, expiresAt: "lapse" });
    }
  }

  const memberIds = [...new Set(credits.map((c) => c.memberId))];
  await lockMembers(tx, memberIds);
  await writeEntries(tx, credits, program, now);
  const { changes } = await updateStandings(tx, { ids: memberIds }, now);
  return tierChangedEvents(changes, now);
}
