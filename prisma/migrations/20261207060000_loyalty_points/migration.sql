-- Loyalty: the points ledger for real (server/loyalty/points.ts).

-- A refund takes back what its order earned: a `reverse` entry.
ALTER TYPE "PointsEntryType" ADD VALUE IF NOT EXISTS 'reverse';

-- Points a refund took back that the balance could not cover: the balance never goes below 0,
-- the debt is repaid by later earnings.
ALTER TABLE "members" ADD COLUMN "points_debt" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "members" ADD CONSTRAINT "members_points_balance_check" CHECK ("points_balance" >= 0);
ALTER TABLE "members" ADD CONSTRAINT "members_points_debt_check" CHECK ("points_debt" >= 0);

-- Credits are lots: `remaining` is their unconsumed part (FIFO: the oldest lot is consumed first,
-- and expiry takes exactly what is left of a lot when it falls due).
ALTER TABLE "points_entries" ADD COLUMN "remaining" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "order_id" INTEGER,
  ADD COLUMN "debt_delta" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_remaining_check" CHECK ("remaining" >= 0 AND "remaining" <= greatest("amount", 0));
CREATE INDEX "points_entries_order_id_idx" ON "points_entries"("order_id");

-- Existing ledgers: a member's balance is held by the newest credits (the older ones were consumed
-- or expired first), so each credit keeps what the balance still covers, newest first.
UPDATE "points_entries" e SET "remaining" = a.remaining
FROM (
  SELECT c.id, greatest(0, least(c.amount, m.points_balance - coalesce(sum(c.amount) OVER newer, 0)))::int AS remaining
  FROM "points_entries" c JOIN "members" m ON m.id = c.member_id
  WHERE c.amount > 0
  WINDOW newer AS (PARTITION BY c.member_id ORDER BY c.expires_at DESC NULLS FIRST, c.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
) a
WHERE e.id = a.id AND a.remaining > 0;
-- Earnings of the demo data name their order in the reason (order:<external id>).
UPDATE "points_entries" e SET "order_id" = o.id
FROM "orders" o
WHERE e."type" = 'earn' AND e."reason" LIKE 'order:%' AND o.external_id = substring(e."reason" from 7);

-- Written by hand (partial indexes with INCLUDE): the lots that still hold points, by due date
-- (the expiry job) and per member in consumption order (redemptions, reversals).
CREATE INDEX "points_entries_open_lots_due_idx" ON "points_entries" ("expires_at") INCLUDE ("member_id") WHERE "remaining" > 0;
CREATE INDEX "points_entries_open_lots_member_idx" ON "points_entries" ("member_id", "expires_at", "id") WHERE "remaining" > 0;

-- The program's settings: one row.
CREATE TABLE "loyalty_program" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "config" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    CONSTRAINT "loyalty_program_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "loyalty_program_one_row" CHECK ("id" = 1)
);
