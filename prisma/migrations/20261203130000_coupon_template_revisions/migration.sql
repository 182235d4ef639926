-- A coupon keeps the terms it was issued with. Every template has numbered revisions of its terms
-- (name, description, type, value, minimum spend, cap, product and category scope); a coupon names
-- the revision it was issued under, and every reader of a coupon's terms reads that revision.
-- Editing the terms of a template that has issued coupons under its current revision makes a new
-- revision; otherwise the current revision is corrected in place. Stock, per-member maximum,
-- validity and code prefix are the template's own (they shape issuing, not issued coupons).
ALTER TABLE "coupon_templates" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1,
                               ADD COLUMN "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE TABLE "coupon_template_revisions" (
    "template_id" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" "CouponType" NOT NULL,
    "value" DECIMAL(12,2) NOT NULL,
    "min_spend" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "max_discount" DECIMAL(12,2),
    "product_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "category_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "coupon_template_revisions_pkey" PRIMARY KEY ("template_id", "revision"),
    CONSTRAINT "coupon_template_revisions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "coupon_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

INSERT INTO "coupon_template_revisions" ("template_id", "revision", "name", "description", "type", "value", "min_spend", "max_discount", "product_ids", "category_ids", "created_at")
SELECT "id", 1, "name", "description", "type", "value", "min_spend", "max_discount", "product_ids", "category_ids", "created_at" FROM "coupon_templates";

-- A template's first revision exists as soon as the template does, however it was made (the
-- library, a flow's inline coupon, an import, the demo data).
CREATE FUNCTION mf_coupon_template_first_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO coupon_template_revisions (template_id, revision, name, description, type, value, min_spend, max_discount, product_ids, category_ids)
  VALUES (NEW.id, NEW.revision, NEW.name, NEW.description, NEW.type, NEW.value, NEW.min_spend, NEW.max_discount, NEW.product_ids, NEW.category_ids)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER "coupon_templates_first_revision" AFTER INSERT ON "coupon_templates" FOR EACH ROW EXECUTE FUNCTION mf_coupon_template_first_revision();

ALTER TABLE "coupons" ADD COLUMN "template_revision" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_template_revision_fkey" FOREIGN KEY ("template_id", "template_revision")
  REFERENCES "coupon_template_revisions"("template_id", "revision") ON DELETE RESTRICT ON UPDATE CASCADE;
