// Queues storefront webhook events for rows the effect writer has just issued, in the same
// statement (and so the same transaction) as the rows: an issued coupon is announced exactly once
// per subscription (the unique key on webhook, topic and object), never for a row rolled back.
import { raw, sql, type Sql } from "@/server/db/sql";
import type { WebhookTopic } from "./topics";

/** The effect tables whose rows storefronts can subscribe to, and the topic each one announces. */
export const issuedTopics = { coupons: "coupon.issued", banners: "banner.issued", member_prices: "price.issued" } as const satisfies Record<string, WebhookTopic>;
export type AnnouncedTable = keyof typeof issuedTopics;

export const isAnnounced = (table: string): table is AnnouncedTable => table in issuedTopics;

/**
 * `insert` (an INSERT … RETURNING *) wrapped so its rows also queue one event per active
 * subscription to their topic; the statement returns `returning` of the inserted rows (or their
 * count when `returning` is empty).
 */
export function insertAnnounced(table: AnnouncedTable, insert: Sql, returning: Sql | null): Sql {
  const topic = issuedTopics[table];
  return sql`WITH written AS (${insert}),
    announced AS (
      INSERT INTO storefront_webhook_events (webhook_id, topic, object_id, member_id)
      SELECT w.id, ${topic}, written.id::text, written.member_id
      FROM written CROSS JOIN storefront_webhooks w
      WHERE w.disabled_at IS NULL AND ${topic} = ANY(w.topics)
      ON CONFLICT (webhook_id, topic, object_id) DO NOTHING)
    SELECT ${returning ?? raw("count(*)::int AS written")} FROM written`;
}
