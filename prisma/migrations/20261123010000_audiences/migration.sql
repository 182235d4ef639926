-- Audiences: indexes for the condition compiler (server/audiences/compile.ts).
-- Tuned with EXPLAIN ANALYZE on a 1M-member base (bench/audience.ts). Prisma cannot express
-- INCLUDE columns or expression indexes, so these live here only (like the trigram indexes).

-- Profile filters marketers combine most (city + tier + registration date): an index-only scan
-- with multi-value (= ANY) keys instead of a bitmap heap scan over the members table.
CREATE INDEX IF NOT EXISTS "members_city_tier_registered_idx"
  ON "members" ("city", "tier_id", "registered_at") INCLUDE ("id");

-- "Days until birthday" / birthday month compile to month*100+day codes.
CREATE INDEX IF NOT EXISTS "members_birthday_mmdd_idx"
  ON "members" (((EXTRACT(MONTH FROM "birthday"))::int * 100 + (EXTRACT(DAY FROM "birthday"))::int))
  WHERE "birthday" IS NOT NULL;

-- Arbitrary windows (not the fixed 30/90/180/365 days kept in member_stats): a range of
-- placed_at aggregated per member, index-only.
CREATE INDEX IF NOT EXISTS "orders_placed_at_member_amount_idx"
  ON "orders" ("placed_at") INCLUDE ("member_id", "total_amount");
CREATE INDEX IF NOT EXISTS "visits_visited_at_member_idx"
  ON "visits" ("visited_at") INCLUDE ("member_id");
CREATE INDEX IF NOT EXISTS "member_events_name_occurred_member_idx"
  ON "member_events" ("name", "occurred_at") INCLUDE ("member_id");
