-- Hand-written: the members list's search (server/members/service.ts). Prefix matches on phone
-- numbers and on short names (a surname, a two-character name) need pattern-ops btrees: trigram
-- indexes cannot serve patterns shorter than three characters, and the database's collation
-- may not be "C".
CREATE INDEX IF NOT EXISTS "members_phone_prefix_idx" ON "members" ("phone" text_pattern_ops);
CREATE INDEX IF NOT EXISTS "members_name_prefix_idx" ON "members" ("name" text_pattern_ops);

-- The members list filtered by lifecycle stage pages through member_stats in member id order.
DROP INDEX IF EXISTS "member_stats_lifecycle_stage_idx";
CREATE INDEX "member_stats_lifecycle_stage_member_id_idx" ON "member_stats" ("lifecycle_stage", "member_id");
