-- The radar's per-member snapshot (server/analytics/member-figures.ts): every member's indicator
-- inputs, computed hourly with the standard groups, so a group no precompute knows (a saved
-- audience, a condition written on the spot) is summed from it instead of re-reading members'
-- stats and coupons live. One row per 65,536 consecutive member ids; `records` holds one
-- fixed-size record per member, sorted by id.
CREATE TABLE "insights_member_figures" (
    "chunk" INTEGER NOT NULL,
    "records" BYTEA NOT NULL,
    "computed_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "insights_member_figures_pkey" PRIMARY KEY ("chunk")
);
-- Read whole and written whole: no point compressing incompressible numbers.
ALTER TABLE "insights_member_figures" ALTER COLUMN "records" SET STORAGE EXTERNAL;
