-- Insights: frequency movement (server/analytics/frequency.ts).

-- Where a chart-made static audience came from (chart, selection, periods, when): null for
-- audiences made in the editor or from a CSV.
ALTER TABLE "audiences" ADD COLUMN IF NOT EXISTS "provenance" JSONB;

-- Written by hand (Prisma cannot express a partial index with INCLUDE): the orders that still
-- count (not fully refunded) in a placed_at range, member ids included, read index-only. The
-- Sankey reads two such ranges (period A, period B) and groups them per member; without it every
-- order in the windows is a heap fetch (about one page each: orders are not stored by date).
-- The predicate is the COUNTED condition of server/analytics/frequency.ts, word for word.
CREATE INDEX IF NOT EXISTS "orders_counted_placed_at_member_idx"
  ON "orders" ("placed_at") INCLUDE ("member_id")
  WHERE NOT ("refunded_at" IS NOT NULL AND "refunded_amount" >= "total_amount");
