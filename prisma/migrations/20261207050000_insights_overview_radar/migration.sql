-- Insights: the overview and the group-comparison radar (server/analytics/overview.ts, radar.ts).
-- All written by hand (Prisma cannot express partial indexes with INCLUDE); in no schema file.

-- The overview's orders, active members and spend over two periods read the counted orders of a
-- placed_at range with their member and amounts, index-only. It covers what
-- orders_counted_placed_at_member_idx did for the Sankey (same key, same predicate: the COUNTED
-- condition of server/analytics/frequency.ts, word for word), so that one is dropped.
CREATE INDEX IF NOT EXISTS "orders_counted_placed_at_amounts_idx"
  ON "orders" ("placed_at") INCLUDE ("member_id", "total_amount", "refunded_amount")
  WHERE NOT ("refunded_at" IS NOT NULL AND "refunded_amount" >= "total_amount");
DROP INDEX IF EXISTS "orders_counted_placed_at_member_idx";

-- Coupon redemptions over time (not rolled back), with the discount, index-only.
CREATE INDEX IF NOT EXISTS "coupon_redemptions_live_redeemed_at_idx"
  ON "coupon_redemptions" ("redeemed_at") INCLUDE ("discount_amount")
  WHERE "rolled_back_at" IS NULL;

-- The radar's coupon redemption rate: a group's coupons issued in the last 365 days and their status.
CREATE INDEX IF NOT EXISTS "coupons_member_issued_at_idx"
  ON "coupons" ("member_id", "issued_at") INCLUDE ("status");
