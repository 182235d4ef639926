-- Tier benefits granted (server/loyalty/tiers/benefit-grants.ts): one row per coupon a level's
-- monthly coupons or birthday gift owes a member, keyed `tier-monthly:<member>:<yyyy-mm>:<n>` or
-- `tier-birthday:<member>:<yyyy>` (program time zone). The primary key is what makes a grant
-- exactly-once: a run claims its rows and issues their coupons in one transaction, so re-runs and
-- runs side by side issue nothing twice. `refused` says why the issuer gave no coupon (the
-- template's stock or per-member maximum); such a claim is not retried.
CREATE TABLE "tier_benefit_grants" (
    "key" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "tier_id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "coupon_id" TEXT,
    "refused" TEXT,
    "granted_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "tier_benefit_grants_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "tier_benefit_grants_kind_check" CHECK ("kind" IN ('monthly', 'birthday'))
);

CREATE UNIQUE INDEX "tier_benefit_grants_coupon_id_key" ON "tier_benefit_grants"("coupon_id");
CREATE INDEX "tier_benefit_grants_member_id_granted_at_idx" ON "tier_benefit_grants"("member_id", "granted_at");

ALTER TABLE "tier_benefit_grants" ADD CONSTRAINT "tier_benefit_grants_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tier_benefit_grants" ADD CONSTRAINT "tier_benefit_grants_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "coupon_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tier_benefit_grants" ADD CONSTRAINT "tier_benefit_grants_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE SET NULL ON UPDATE CASCADE;
