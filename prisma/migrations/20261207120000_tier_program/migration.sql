-- Loyalty: the tier program for real (server/loyalty/tiers/).

-- Growth value is a ledger of dated entries: an order earns one, a refund takes back part of it
-- (with the same expiry, so the pair lapses together), a task (sign-in, review …) earns one. A
-- member's growth value is the sum of the entries not yet lapsed; `members.growth_value` caches it
-- and is written in the same transaction. `effect_key` makes every entry exactly-once.
CREATE TABLE "growth_entries" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "order_id" INTEGER,
    "effect_key" TEXT NOT NULL,
    "earned_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    CONSTRAINT "growth_entries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "growth_entries_effect_key_key" ON "growth_entries"("effect_key");
-- Written by hand (INCLUDE): the evaluation sums a range of members' unlapsed entries from the index alone.
CREATE INDEX "growth_entries_member_id_expires_at_idx" ON "growth_entries"("member_id", "expires_at") INCLUDE ("amount", "earned_at");
CREATE INDEX "growth_entries_order_id_idx" ON "growth_entries"("order_id");
ALTER TABLE "growth_entries" ADD CONSTRAINT "growth_entries_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The program's rules (growth earning, evaluation, validity): one row. Its levels are the `tiers` rows.
CREATE TABLE "tier_program" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "config" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    CONSTRAINT "tier_program_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tier_program_one_row" CHECK ("id" = 1)
);

-- A tier change happens once: an upgrade per growth entry, an evaluation per member and period.
-- Rows of the demo history have no key.
ALTER TABLE "tier_changes" ADD COLUMN "change_key" TEXT;
CREATE UNIQUE INDEX "tier_changes_change_key_key" ON "tier_changes"("change_key");

-- Benefits become a document ({ discountPercent, pointsMultiplier, monthlyCoupons, birthdayGift,
-- notes }); the display strings of earlier data are kept as notes, and the points multipliers that
-- the points settings held per tier move here (one source of truth).
UPDATE "tiers" t SET "benefits" = jsonb_build_object(
    'discountPercent', 0,
    'pointsMultiplier', coalesce((SELECT (p.config -> 'tierMultipliers' ->> t.id)::numeric FROM "loyalty_program" p WHERE p.id = 1), 1),
    'monthlyCoupons', NULL,
    'birthdayGift', NULL,
    'notes', CASE WHEN jsonb_typeof(t."benefits") = 'array' THEN t."benefits" ELSE '[]'::jsonb END)
WHERE jsonb_typeof(t."benefits") <> 'object';
UPDATE "loyalty_program" SET "config" = "config" - 'tierMultipliers';

-- Growth values held today (demo data) become one opening entry each, valid for the tiers' validity.
INSERT INTO "growth_entries" ("member_id", "amount", "reason", "effect_key", "earned_at", "expires_at")
SELECT m.id, m.growth_value, 'opening', 'opening:' || m.id, now(), now() + make_interval(months => t.validity_months)
FROM "members" m JOIN "tiers" t ON t.id = m.tier_id
WHERE m.growth_value <> 0;
