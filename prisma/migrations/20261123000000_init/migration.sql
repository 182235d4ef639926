-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('sms', 'email', 'push', 'in_app', 'webhook');

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('female', 'male', 'unknown');

-- CreateEnum
CREATE TYPE "LifecycleStage" AS ENUM ('new', 'active', 'silent', 'churned');

-- CreateEnum
CREATE TYPE "PointsEntryType" AS ENUM ('earn', 'redeem', 'expire', 'adjust');

-- CreateEnum
CREATE TYPE "CouponType" AS ENUM ('amount', 'percent');

-- CreateEnum
CREATE TYPE "CouponStatus" AS ENUM ('issued', 'redeemed', 'expired', 'revoked');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('queued', 'deferred', 'sent', 'failed', 'suppressed');

-- CreateEnum
CREATE TYPE "AudienceKind" AS ENUM ('condition', 'static');

-- CreateEnum
CREATE TYPE "FlowStatus" AS ENUM ('draft', 'active', 'paused', 'archived');

-- CreateEnum
CREATE TYPE "JourneyStatus" AS ENUM ('active', 'waiting', 'completed', 'exited', 'failed');

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'marketer', 'analyst', 'viewer');

-- CreateTable
CREATE TABLE "tiers" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "growth_threshold" INTEGER NOT NULL,
    "benefits" JSONB NOT NULL DEFAULT '[]',
    "validity_months" INTEGER NOT NULL DEFAULT 12,

    CONSTRAINT "tiers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "business_districts" (
    "id" SERIAL NOT NULL,
    "province" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "business_districts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "members" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "email" TEXT,
    "gender" "Gender" NOT NULL DEFAULT 'unknown',
    "province" TEXT,
    "city" TEXT,
    "business_district" TEXT,
    "registered_at" TIMESTAMPTZ(6) NOT NULL,
    "birthday" DATE,
    "registration_channel" TEXT NOT NULL,
    "consent_sms" BOOLEAN NOT NULL DEFAULT false,
    "consent_email" BOOLEAN NOT NULL DEFAULT false,
    "consent_push" BOOLEAN NOT NULL DEFAULT false,
    "consent_in_app" BOOLEAN NOT NULL DEFAULT true,
    "tier_id" TEXT NOT NULL,
    "tier_since" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "growth_value" INTEGER NOT NULL DEFAULT 0,
    "points_balance" INTEGER NOT NULL DEFAULT 0,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_stats" (
    "member_id" INTEGER NOT NULL,
    "order_count" INTEGER NOT NULL DEFAULT 0,
    "total_spend" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "first_order_at" TIMESTAMPTZ(6),
    "last_order_at" TIMESTAMPTZ(6),
    "orders_30d" INTEGER NOT NULL DEFAULT 0,
    "orders_90d" INTEGER NOT NULL DEFAULT 0,
    "orders_180d" INTEGER NOT NULL DEFAULT 0,
    "orders_365d" INTEGER NOT NULL DEFAULT 0,
    "spend_30d" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "spend_90d" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "spend_180d" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "spend_365d" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "visit_count" INTEGER NOT NULL DEFAULT 0,
    "visits_30d" INTEGER NOT NULL DEFAULT 0,
    "visits_90d" INTEGER NOT NULL DEFAULT 0,
    "last_visit_at" TIMESTAMPTZ(6),
    "rfm_recency" INTEGER NOT NULL DEFAULT 1,
    "rfm_frequency" INTEGER NOT NULL DEFAULT 1,
    "rfm_monetary" INTEGER NOT NULL DEFAULT 1,
    "lifecycle_stage" "LifecycleStage" NOT NULL DEFAULT 'new',
    "refreshed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_stats_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "tags" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "color" TEXT NOT NULL DEFAULT 'slate',
    "category" TEXT NOT NULL DEFAULT 'general',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_tags" (
    "member_id" INTEGER NOT NULL,
    "tag_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_tags_pkey" PRIMARY KEY ("member_id","tag_id")
);

-- CreateTable
CREATE TABLE "badges" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "icon" TEXT NOT NULL DEFAULT 'Award',

    CONSTRAINT "badges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_badges" (
    "member_id" INTEGER NOT NULL,
    "badge_id" INTEGER NOT NULL,
    "awarded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_badges_pkey" PRIMARY KEY ("member_id","badge_id")
);

-- CreateTable
CREATE TABLE "product_categories" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "parent_id" INTEGER,

    CONSTRAINT "product_categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "id" SERIAL NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category_id" INTEGER NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "placed_at" TIMESTAMPTZ(6) NOT NULL,
    "total_amount" DECIMAL(12,2) NOT NULL,
    "discount_amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "channel" TEXT NOT NULL DEFAULT 'app',
    "store_district" TEXT,
    "coupon_id" TEXT,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "category_id" INTEGER NOT NULL,
    "placed_at" TIMESTAMPTZ(6) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "visits" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "visited_at" TIMESTAMPTZ(6) NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'app',
    "district" TEXT,

    CONSTRAINT "visits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_events" (
    "id" BIGSERIAL NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'system',
    "event_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "received_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "points_entries" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "type" "PointsEntryType" NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6),
    "effect_key" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tier_changes" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "from_tier_id" TEXT,
    "to_tier_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tier_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coupon_templates" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" "CouponType" NOT NULL,
    "value" DECIMAL(12,2) NOT NULL,
    "min_spend" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "max_discount" DECIMAL(12,2),
    "valid_days" INTEGER,
    "valid_from" TIMESTAMPTZ(6),
    "valid_to" TIMESTAMPTZ(6),
    "product_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "category_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "total_limit" INTEGER,
    "per_member_max" INTEGER NOT NULL DEFAULT 1,
    "archived_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coupons" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "status" "CouponStatus" NOT NULL DEFAULT 'issued',
    "valid_from" TIMESTAMPTZ(6) NOT NULL,
    "valid_to" TIMESTAMPTZ(6) NOT NULL,
    "issued_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redeemed_at" TIMESTAMPTZ(6),
    "journey_id" BIGINT,
    "node_id" TEXT,

    CONSTRAINT "coupons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coupon_redemptions" (
    "id" TEXT NOT NULL,
    "coupon_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "storefront_id" TEXT,
    "order_ref" TEXT,
    "cart_total" DECIMAL(12,2) NOT NULL,
    "discount_amount" DECIMAL(12,2) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rolled_back_at" TIMESTAMPTZ(6),

    CONSTRAINT "coupon_redemptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_prices" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "product_id" INTEGER,
    "category_id" INTEGER,
    "price" DECIMAL(12,2),
    "percent_off" DECIMAL(5,2),
    "valid_from" TIMESTAMPTZ(6) NOT NULL,
    "valid_to" TIMESTAMPTZ(6) NOT NULL,
    "journey_id" BIGINT,
    "node_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "banners" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "placement" TEXT NOT NULL,
    "image_url" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "link" TEXT,
    "valid_from" TIMESTAMPTZ(6) NOT NULL,
    "valid_to" TIMESTAMPTZ(6) NOT NULL,
    "shown_at" TIMESTAMPTZ(6),
    "clicked_at" TIMESTAMPTZ(6),
    "journey_id" BIGINT,
    "node_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "banners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_templates" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "channel" "Channel" NOT NULL,
    "template_id" TEXT,
    "title" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'queued',
    "scheduled_for" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(6),
    "opened_at" TIMESTAMPTZ(6),
    "clicked_at" TIMESTAMPTZ(6),
    "error" TEXT,
    "journey_id" BIGINT,
    "node_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audiences" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "AudienceKind" NOT NULL,
    "condition" JSONB,
    "origin" TEXT NOT NULL DEFAULT 'editor',
    "size" INTEGER,
    "computed_at" TIMESTAMPTZ(6),
    "created_by_id" TEXT,
    "archived_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audiences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audience_members" (
    "audience_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "added_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audience_members_pkey" PRIMARY KEY ("audience_id","member_id")
);

-- CreateTable
CREATE TABLE "flows" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "FlowStatus" NOT NULL DEFAULT 'draft',
    "draft" JSONB NOT NULL,
    "draft_layout" JSONB NOT NULL DEFAULT '{}',
    "draft_updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "current_version_id" TEXT,
    "template_id" TEXT,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flow_versions" (
    "id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "layout" JSONB NOT NULL DEFAULT '{}',
    "note" TEXT NOT NULL DEFAULT '',
    "published_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_by_id" TEXT,

    CONSTRAINT "flow_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journeys" (
    "id" BIGSERIAL NOT NULL,
    "flow_id" TEXT NOT NULL,
    "flow_version_id" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "status" "JourneyStatus" NOT NULL DEFAULT 'active',
    "current_node_id" TEXT,
    "node_entered_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "wait_until" TIMESTAMPTZ(6),
    "waiting_for" JSONB,
    "is_control" BOOLEAN NOT NULL DEFAULT false,
    "entry_seq" INTEGER NOT NULL DEFAULT 1,
    "entered_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(6),
    "end_reason" TEXT,

    CONSTRAINT "journeys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journey_steps" (
    "id" BIGSERIAL NOT NULL,
    "journey_id" BIGINT NOT NULL,
    "flow_version_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "entered_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "left_at" TIMESTAMPTZ(6),
    "branch" TEXT,

    CONSTRAINT "journey_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journey_effects" (
    "id" BIGSERIAL NOT NULL,
    "journey_id" BIGINT NOT NULL,
    "node_id" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "target_ref" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "journey_effects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storefront_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),

    CONSTRAINT "storefront_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "storefront_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("storefront_id","key")
);

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'viewer',
    "password_hash" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tiers_rank_key" ON "tiers"("rank");

-- CreateIndex
CREATE UNIQUE INDEX "business_districts_province_city_name_key" ON "business_districts"("province", "city", "name");

-- CreateIndex
CREATE UNIQUE INDEX "members_external_id_key" ON "members"("external_id");

-- CreateIndex
CREATE INDEX "members_province_city_idx" ON "members"("province", "city");

-- CreateIndex
CREATE INDEX "members_city_idx" ON "members"("city");

-- CreateIndex
CREATE INDEX "members_business_district_idx" ON "members"("business_district");

-- CreateIndex
CREATE INDEX "members_registered_at_idx" ON "members"("registered_at");

-- CreateIndex
CREATE INDEX "members_tier_id_idx" ON "members"("tier_id");

-- CreateIndex
CREATE INDEX "members_phone_idx" ON "members"("phone");

-- CreateIndex
CREATE INDEX "members_points_balance_idx" ON "members"("points_balance");

-- CreateIndex
CREATE INDEX "member_stats_lifecycle_stage_idx" ON "member_stats"("lifecycle_stage");

-- CreateIndex
CREATE INDEX "member_stats_last_order_at_idx" ON "member_stats"("last_order_at");

-- CreateIndex
CREATE INDEX "member_stats_orders_365d_idx" ON "member_stats"("orders_365d");

-- CreateIndex
CREATE UNIQUE INDEX "tags_name_key" ON "tags"("name");

-- CreateIndex
CREATE INDEX "member_tags_tag_id_member_id_idx" ON "member_tags"("tag_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "badges_name_key" ON "badges"("name");

-- CreateIndex
CREATE INDEX "member_badges_badge_id_member_id_idx" ON "member_badges"("badge_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "product_categories_name_key" ON "product_categories"("name");

-- CreateIndex
CREATE UNIQUE INDEX "products_sku_key" ON "products"("sku");

-- CreateIndex
CREATE INDEX "products_category_id_idx" ON "products"("category_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_external_id_key" ON "orders"("external_id");

-- CreateIndex
CREATE INDEX "orders_member_id_placed_at_idx" ON "orders"("member_id", "placed_at");

-- CreateIndex
CREATE INDEX "orders_placed_at_idx" ON "orders"("placed_at");

-- CreateIndex
CREATE INDEX "order_items_order_id_idx" ON "order_items"("order_id");

-- CreateIndex
CREATE INDEX "order_items_product_id_placed_at_member_id_idx" ON "order_items"("product_id", "placed_at", "member_id");

-- CreateIndex
CREATE INDEX "order_items_category_id_placed_at_member_id_idx" ON "order_items"("category_id", "placed_at", "member_id");

-- CreateIndex
CREATE INDEX "visits_member_id_visited_at_idx" ON "visits"("member_id", "visited_at");

-- CreateIndex
CREATE INDEX "member_events_member_id_name_occurred_at_idx" ON "member_events"("member_id", "name", "occurred_at");

-- CreateIndex
CREATE INDEX "member_events_name_occurred_at_idx" ON "member_events"("name", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "member_events_source_event_id_key" ON "member_events"("source", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "points_entries_effect_key_key" ON "points_entries"("effect_key");

-- CreateIndex
CREATE INDEX "points_entries_member_id_created_at_idx" ON "points_entries"("member_id", "created_at");

-- CreateIndex
CREATE INDEX "points_entries_expires_at_idx" ON "points_entries"("expires_at");

-- CreateIndex
CREATE INDEX "tier_changes_member_id_changed_at_idx" ON "tier_changes"("member_id", "changed_at");

-- CreateIndex
CREATE UNIQUE INDEX "coupons_code_key" ON "coupons"("code");

-- CreateIndex
CREATE INDEX "coupons_member_id_status_valid_to_idx" ON "coupons"("member_id", "status", "valid_to");

-- CreateIndex
CREATE INDEX "coupons_template_id_status_idx" ON "coupons"("template_id", "status");

-- CreateIndex
CREATE INDEX "coupons_journey_id_idx" ON "coupons"("journey_id");

-- CreateIndex
CREATE INDEX "coupon_redemptions_coupon_id_idx" ON "coupon_redemptions"("coupon_id");

-- CreateIndex
CREATE INDEX "coupon_redemptions_member_id_redeemed_at_idx" ON "coupon_redemptions"("member_id", "redeemed_at");

-- CreateIndex
CREATE INDEX "member_prices_member_id_valid_to_idx" ON "member_prices"("member_id", "valid_to");

-- CreateIndex
CREATE INDEX "banners_member_id_placement_valid_to_idx" ON "banners"("member_id", "placement", "valid_to");

-- CreateIndex
CREATE INDEX "notifications_status_scheduled_for_idx" ON "notifications"("status", "scheduled_for");

-- CreateIndex
CREATE INDEX "notifications_member_id_channel_created_at_idx" ON "notifications"("member_id", "channel", "created_at");

-- CreateIndex
CREATE INDEX "notifications_journey_id_idx" ON "notifications"("journey_id");

-- CreateIndex
CREATE INDEX "audience_members_member_id_idx" ON "audience_members"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "flows_current_version_id_key" ON "flows"("current_version_id");

-- CreateIndex
CREATE INDEX "flows_status_idx" ON "flows"("status");

-- CreateIndex
CREATE UNIQUE INDEX "flow_versions_flow_id_version_key" ON "flow_versions"("flow_id", "version");

-- CreateIndex
CREATE INDEX "journeys_flow_version_id_current_node_id_status_idx" ON "journeys"("flow_version_id", "current_node_id", "status");

-- CreateIndex
CREATE INDEX "journeys_status_wait_until_idx" ON "journeys"("status", "wait_until");

-- CreateIndex
CREATE INDEX "journeys_member_id_status_idx" ON "journeys"("member_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "journeys_flow_id_member_id_entry_seq_key" ON "journeys"("flow_id", "member_id", "entry_seq");

-- CreateIndex
CREATE INDEX "journey_steps_flow_version_id_node_id_branch_idx" ON "journey_steps"("flow_version_id", "node_id", "branch");

-- CreateIndex
CREATE UNIQUE INDEX "journey_steps_journey_id_node_id_visit_key" ON "journey_steps"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "journey_effects_journey_id_node_id_visit_key" ON "journey_effects"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "storefront_keys_prefix_key" ON "storefront_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "storefront_keys_key_hash_key" ON "storefront_keys"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "audit_logs_entity_type_entity_id_created_at_idx" ON "audit_logs"("entity_type", "entity_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at");

-- AddForeignKey
ALTER TABLE "members" ADD CONSTRAINT "members_tier_id_fkey" FOREIGN KEY ("tier_id") REFERENCES "tiers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_stats" ADD CONSTRAINT "member_stats_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_tags" ADD CONSTRAINT "member_tags_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_tags" ADD CONSTRAINT "member_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_badges" ADD CONSTRAINT "member_badges_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_badges" ADD CONSTRAINT "member_badges_badge_id_fkey" FOREIGN KEY ("badge_id") REFERENCES "badges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_categories" ADD CONSTRAINT "product_categories_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "product_categories"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "product_categories"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visits" ADD CONSTRAINT "visits_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_events" ADD CONSTRAINT "member_events_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "coupon_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_prices" ADD CONSTRAINT "member_prices_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_prices" ADD CONSTRAINT "member_prices_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "banners" ADD CONSTRAINT "banners_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "notification_templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audience_members" ADD CONSTRAINT "audience_members_audience_id_fkey" FOREIGN KEY ("audience_id") REFERENCES "audiences"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audience_members" ADD CONSTRAINT "audience_members_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flows" ADD CONSTRAINT "flows_current_version_id_fkey" FOREIGN KEY ("current_version_id") REFERENCES "flow_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journeys" ADD CONSTRAINT "journeys_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journeys" ADD CONSTRAINT "journeys_flow_version_id_fkey" FOREIGN KEY ("flow_version_id") REFERENCES "flow_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journeys" ADD CONSTRAINT "journeys_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journey_steps" ADD CONSTRAINT "journey_steps_journey_id_fkey" FOREIGN KEY ("journey_id") REFERENCES "journeys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journey_effects" ADD CONSTRAINT "journey_effects_journey_id_fkey" FOREIGN KEY ("journey_id") REFERENCES "journeys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: member search by any part of a name or external id (trigram indexes).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "members_name_trgm_idx" ON "members" USING gin ("name" gin_trgm_ops);
CREATE INDEX "members_external_id_trgm_idx" ON "members" USING gin ("external_id" gin_trgm_ops);
