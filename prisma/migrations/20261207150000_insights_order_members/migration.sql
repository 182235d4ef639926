-- The Sankey counts each member's orders in two periods. Reading them from `orders` means grouping
-- every order of both periods (over a million rows on a large base); the daily rollup now keeps,
-- per day, the member id of each counted order (4-byte little-endian integers, sorted, one per
-- order), so a period is a few dozen rows that the server counts in memory. Days rolled before
-- this column existed are rolled again by the next refresh and read live until then.
ALTER TABLE "insights_days" ADD COLUMN "order_members" BYTEA;
-- Read whole: stored uncompressed out of line, like the bitmaps.
ALTER TABLE "insights_days" ALTER COLUMN "order_members" SET STORAGE EXTERNAL;
