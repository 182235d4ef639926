-- The local days (program time zone) whose birthday gifts a benefit grants run covered to the end
-- (server/loyalty/tiers/benefit-grants.ts). A day of this year, after the first one recorded, that
-- no run covered (the job did not run that day) is caught up by the next run, up to a week back.
CREATE TABLE "tier_benefit_days" (
    "day" DATE NOT NULL,
    "completed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tier_benefit_days_pkey" PRIMARY KEY ("day")
);
