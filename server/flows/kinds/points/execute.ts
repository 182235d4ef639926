// Server-only (the lint rule keeps components/ away from execute.ts files).
import { TZDate } from "@date-fns/tz";
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";

/** Points earned in a year expire at the end of the following calendar year, in the flow's zone. */
export function pointsExpiry(earnedAt: Date, timezone: string): Date {
  const year = new TZDate(earnedAt.getTime(), timezone).getFullYear();
  return new Date(new TZDate(year + 2, 0, 1, 0, 0, 0, 0, timezone).getTime() - 1);
}

// A ledger entry per member (append-only), and the cached balance moved by exactly the entries
// just written. A deduction takes at most what the member has: balances never go negative.
export const execute: Executor<"points"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "points");
  const { action, amount, reason } = ctx.node.config;
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const award = action === "award";
  const expiresAt = award ? pointsExpiry(ctx.now, ctx.flow.definition.settings.timezone).toISOString() : null;
  const written = await ctx.effects.insert<{ member_id: number; amount: number }>(
    "points_entries",
    sql`SELECT b.member_id, ${award ? "earn" : "redeem"}::"PointsEntryType",
               ${award ? sql`${amount}::int` : sql`-least(m.points_balance, ${amount}::int)`},
               ${reason}, ${expiresAt}::timestamptz, b.journey_id, ${ctx.node.id}, b.visit
        FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`,
    ["member_id", "type", "amount", "reason", "expires_at", "journey_id", "node_id", "visit"],
    ["member_id", "amount"],
  );
  if (written.length > 0) {
    await ctx.effects.apply(sql`
      UPDATE members m SET points_balance = m.points_balance + w.amount
      FROM unnest(${written.map((w) => w.member_id)}::int[], ${written.map((w) => w.amount)}::int[]) AS w(member_id, amount)
      WHERE m.id = w.member_id`);
  }
  return { type: "branch", branch: "out" };
};
