-- Storefront webhooks: a storefront subscribes to what flows issue (coupons, banners, member
-- prices). The effect writer queues one event per subscription and issued row in the same
-- transaction as the row (exactly once: the unique key), the sender groups them into signed
-- deliveries of up to 100 events, retried with back-off, every attempt logged.
CREATE TABLE "storefront_webhooks" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "topics" TEXT[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(6),
    "disabled_reason" TEXT,
    CONSTRAINT "storefront_webhooks_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "storefront_webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "event_count" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attempt_limit" INTEGER NOT NULL DEFAULT 8,
    "next_attempt_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(6),
    "delivered_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "storefront_webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "storefront_webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "storefront_webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "storefront_webhook_deliveries_status_next_attempt_at_idx" ON "storefront_webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "storefront_webhook_deliveries_webhook_id_id_idx" ON "storefront_webhook_deliveries"("webhook_id", "id");

CREATE TABLE "storefront_webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "member_id" INTEGER,
    "delivery_id" BIGINT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "storefront_webhook_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "storefront_webhook_events_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "storefront_webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "storefront_webhook_events_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "storefront_webhook_deliveries"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "storefront_webhook_events_webhook_id_topic_object_id_key" ON "storefront_webhook_events"("webhook_id", "topic", "object_id");
-- The sender's queue: events not yet in a delivery.
CREATE INDEX "storefront_webhook_events_undelivered_idx" ON "storefront_webhook_events"("id") WHERE "delivery_id" IS NULL;
CREATE INDEX "storefront_webhook_events_delivery_id_idx" ON "storefront_webhook_events"("delivery_id");

CREATE TABLE "storefront_webhook_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "response_status" INTEGER,
    "response_excerpt" TEXT,
    "error" TEXT,
    CONSTRAINT "storefront_webhook_attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "storefront_webhook_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "storefront_webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "storefront_webhook_attempts_delivery_id_attempt_key" ON "storefront_webhook_attempts"("delivery_id", "attempt");
