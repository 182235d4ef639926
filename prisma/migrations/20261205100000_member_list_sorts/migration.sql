-- Hand-written: the members list sorts by any column (server/members/list.ts). Each sort reads
-- one index in (column, id) order, so a page is a short index range and the id that breaks ties
-- costs nothing; with the id in the index, skipping to a deep page is an index-only scan. NULL
-- (no city, never ordered) sorts as the lowest value: first ascending, last descending.
-- Names and cities sort by pinyin (ICU's Chinese collation), as a Chinese reader looks them up.
-- The lifecycle sort uses member_stats_lifecycle_stage_member_id_idx; the tier sort reads one
-- tier at a time in id order (five tiers, ranked by data, not by their ids).
CREATE INDEX IF NOT EXISTS "members_name_sort_idx" ON "members" ("name" COLLATE "zh-x-icu", "id");
CREATE INDEX IF NOT EXISTS "members_city_sort_idx" ON "members" ("city" COLLATE "zh-x-icu" NULLS FIRST, "id");
CREATE INDEX IF NOT EXISTS "members_tier_id_sort_idx" ON "members" ("tier_id", "id");
CREATE INDEX IF NOT EXISTS "members_points_balance_sort_idx" ON "members" ("points_balance", "id");
CREATE INDEX IF NOT EXISTS "members_registered_at_sort_idx" ON "members" ("registered_at", "id");
CREATE INDEX IF NOT EXISTS "member_stats_order_count_sort_idx" ON "member_stats" ("order_count", "member_id");
CREATE INDEX IF NOT EXISTS "member_stats_total_spend_sort_idx" ON "member_stats" ("total_spend", "member_id");
CREATE INDEX IF NOT EXISTS "member_stats_last_order_at_sort_idx" ON "member_stats" ("last_order_at" NULLS FIRST, "member_id");
