// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";
import { consumeLots, expireDueFor, lockMembers } from "@/server/loyalty/points";
import { loadProgram } from "@/server/loyalty/program";
import { expiryOf } from "@/server/loyalty/program-schema";

// A ledger entry per member (append-only), and the cached balance moved by exactly the entries
// just written, under the members' row locks and after what is due has expired (the ledger's rules,
// server/loyalty/points.ts). An award is a lot that expires by the program's rule and repays debt
// first; a deduction takes at most what the member has, from the oldest lots.
export const execute: Executor<"points"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "points");
  const { action, amount, reason } = ctx.node.config;
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const award = action === "award";
  if (!ctx.effects.recording) {
    const ids = batch.map((b) => b.memberId);
    await lockMembers(ctx.tx, ids);
    await expireDueFor(ctx.tx, ids, ctx.now);
  }
  const program = await loadProgram(ctx.tx);
  const expiresAt = award ? (expiryOf(ctx.now, program.expiry, program.timezone)?.toISOString() ?? null) : null;
  const written = await ctx.effects.insert<{ member_id: number; amount: number; debt_delta: number }>(
    "points_entries",
    award
      ? sql`SELECT b.member_id, 'earn'::"PointsEntryType", ${amount}::int - least(${amount}::int, m.points_debt), ${reason}, ${expiresAt}::timestamptz,
                   b.journey_id, ${ctx.node.id}, b.visit, ${amount}::int - least(${amount}::int, m.points_debt), -least(${amount}::int, m.points_debt), ${ctx.now}::timestamptz
            FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`
      : sql`SELECT b.member_id, 'redeem'::"PointsEntryType", -least(m.points_balance, ${amount}::int), ${reason}, NULL::timestamptz,
                   b.journey_id, ${ctx.node.id}, b.visit, 0, 0, ${ctx.now}::timestamptz
            FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`,
    ["member_id", "type", "amount", "reason", "expires_at", "journey_id", "node_id", "visit", "remaining", "debt_delta", "created_at"],
    ["member_id", "amount", "debt_delta"],
  );
  if (written.length > 0) {
    if (!award) await consumeLots(ctx.tx, written.map((w) => ({ memberId: w.member_id, points: -w.amount, preferOrderId: null })));
    await ctx.effects.apply(sql`
      UPDATE members m SET points_balance = m.points_balance + w.amount, points_debt = m.points_debt + w.debt_delta
      FROM unnest(${written.map((w) => w.member_id)}::int[], ${written.map((w) => w.amount)}::int[], ${written.map((w) => w.debt_delta)}::int[]) AS w(member_id, amount, debt_delta)
      WHERE m.id = w.member_id`);
  }
  return { type: "branch", branch: "out" };
};
