// The storefront webhook sender. Two steps, each safe to run in several processes at once:
// 1. batch: events not yet in a delivery are grouped, per subscription, into deliveries of up to
//    100 events whose JSON body is fixed then (a retry sends the same bytes, so the signature and
//    the event ids a receiver de-duplicates on never change);
// 2. send: due deliveries are leased (a crashed sender's lease runs out and another takes them),
//    POSTed signed with the subscription's secret, and every attempt is logged; a failure is
//    retried with back-off (topics.ts) until its attempt limit (MAX_DELIVERY_ATTEMPTS), a 410 Gone turns the
//    subscription off. Delivery is at least once: receivers de-duplicate on the event id.
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { SIGNATURE_HEADER, signPayload, unixSeconds } from "@/server/signing";
import { bannerJson, couponJson, isoTime, priceJson } from "../wallet-items";
import { ATTEMPT_HEADER, DELIVERY_HEADER, MAX_EVENTS_PER_DELIVERY, PING_TOPIC, retryDelayMs, type DeliveryStatus } from "./topics";

const TIMEOUT_MS = 10_000;
/** A sender that dies mid-request loses its deliveries to another after this long. */
const LEASE_MS = 2 * 60_000;
const CONCURRENCY = 8;
const EXCERPT_LENGTH = 500;

export type WebhookRunOptions = {
  /** The clock (tests move it to make retries due). */
  now?: Date;
  fetchImpl?: typeof fetch;
  /** Deliveries sent per call. */
  limit?: number;
  /** Events grouped into deliveries per call. */
  eventLimit?: number;
};

export type WebhookRunCounts = { deliveriesMade: number; delivered: number; retrying: number; failed: number };

/** One sender pass: batches waiting events, then sends what is due. */
export async function deliverStorefrontWebhooks(pool: Pool, options: WebhookRunOptions = {}): Promise<WebhookRunCounts> {
  const now = options.now ?? new Date();
  const deliveriesMade = await withTransaction(pool, (tx) => batchEvents(tx, options.eventLimit ?? 5_000, now));
  const sent = await sendDue(pool, now, options.fetchImpl ?? fetch, options.limit ?? 200);
  return { deliveriesMade, ...sent };
}

/** Passes until nothing is waiting or due (at most `maxPasses`): the worker's minute task. */
export async function deliverStorefrontWebhooksUntilIdle(pool: Pool, options: WebhookRunOptions & { maxPasses?: number; stopping?: () => boolean } = {}): Promise<WebhookRunCounts> {
  const total: WebhookRunCounts = { deliveriesMade: 0, delivered: 0, retrying: 0, failed: 0 };
  for (let pass = 0; pass < (options.maxPasses ?? 100) && !options.stopping?.(); pass++) {
    const counts = await deliverStorefrontWebhooks(pool, options);
    for (const key of Object.keys(total) as (keyof WebhookRunCounts)[]) total[key] += counts[key];
    if (counts.deliveriesMade === 0 && counts.delivered + counts.retrying + counts.failed === 0) break;
  }
  return total;
}

/** Groups waiting events into deliveries; returns how many deliveries it made. */
export async function batchEvents(tx: Tx, limit: number, now: Date): Promise<number> {
  const waiting = await tx.query<{ id: string; webhook_id: string }>(sql`
    SELECT id::text, webhook_id FROM storefront_webhook_events
    WHERE delivery_id IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
  if (waiting.length === 0) return 0;

  // Chunks of at most 100 events of one subscription, oldest first; delivery ids drawn up front
  // so one statement can file every event under its delivery.
  const chunks: string[][] = [];
  const open = new Map<string, string[]>();
  for (const event of waiting) {
    let chunk = open.get(event.webhook_id);
    if (!chunk || chunk.length >= MAX_EVENTS_PER_DELIVERY) {
      chunk = [];
      chunks.push(chunk);
      open.set(event.webhook_id, chunk);
    }
    chunk.push(event.id);
  }
  const ids = await tx.query<{ id: string }>(sql`
    SELECT nextval(pg_get_serial_sequence('storefront_webhook_deliveries', 'id'))::text AS id FROM generate_series(1, ${chunks.length})`);
  const eventIds = chunks.flat();
  const deliveryIds = chunks.flatMap((chunk, n) => chunk.map(() => ids[n]!.id));

  // An event whose row is gone (its member was deleted) is dropped rather than sent empty.
  const [made] = await tx.query<{ made: number }>(sql`
    WITH assigned AS (SELECT * FROM unnest(${eventIds}::bigint[], ${deliveryIds}::bigint[]) AS a(event_id, delivery_id)),
    items AS (
      SELECT a.delivery_id, e.id, e.webhook_id, e.topic, ${isoTime("e.created_at")} AS created_at,
        CASE e.topic
          WHEN 'coupon.issued' THEN (
            SELECT json_build_object('member', m.external_id, 'flowId', c.flow_id, 'coupon', ${couponJson})
            FROM coupons c JOIN coupon_template_revisions t ON t.template_id = c.template_id AND t.revision = c.template_revision JOIN members m ON m.id = c.member_id WHERE c.id = e.object_id)
          WHEN 'banner.issued' THEN (
            SELECT json_build_object('member', m.external_id, 'flowId', b.flow_id, 'banner', ${bannerJson})
            FROM banners b JOIN members m ON m.id = b.member_id WHERE b.id = e.object_id::bigint)
          WHEN 'price.issued' THEN (
            SELECT json_build_object('member', m.external_id, 'flowId', mp.flow_id, 'price', ${priceJson})
            FROM member_prices mp JOIN members m ON m.id = mp.member_id WHERE mp.id = e.object_id::bigint)
          WHEN ${PING_TOPIC} THEN json_build_object('message', 'A test delivery from memberflow: your endpoint is reachable.')
        END AS data
      FROM assigned a JOIN storefront_webhook_events e ON e.id = a.event_id),
    gone AS (DELETE FROM storefront_webhook_events e USING items i WHERE e.id = i.id AND i.data IS NULL),
    made AS (
      INSERT INTO storefront_webhook_deliveries (id, webhook_id, body, event_count, next_attempt_at, created_at)
      SELECT delivery_id, min(webhook_id),
             json_build_object('events', json_agg(json_build_object('id', 'evt_' || id, 'type', topic, 'createdAt', created_at, 'data', data) ORDER BY id))::text,
             count(*), ${now}, ${now}
      FROM items WHERE data IS NOT NULL GROUP BY delivery_id
      RETURNING id),
    linked AS (UPDATE storefront_webhook_events e SET delivery_id = i.delivery_id FROM items i WHERE e.id = i.id AND i.data IS NOT NULL)
    SELECT count(*)::int AS made FROM made`);
  return made?.made ?? 0;
}

type Leased = { id: string; attempts: number; attempt_limit: number; body: string; webhook_id: string; url: string; secret: string };
type Outcome = { id: string; attempt: number; startedAt: Date; durationMs: number; responseStatus: number | null; excerpt: string | null; error: string | null };

async function sendDue(pool: Pool, now: Date, fetchImpl: typeof fetch, limit: number): Promise<Omit<WebhookRunCounts, "deliveriesMade">> {
  const leased = await withTransaction(pool, (tx) =>
    tx.query<Leased>(sql`
      UPDATE storefront_webhook_deliveries d
      SET status = 'sending', attempts = d.attempts + 1, lease_until = ${new Date(now.getTime() + LEASE_MS)}
      FROM storefront_webhooks w
      WHERE w.id = d.webhook_id AND d.id IN (
        SELECT d2.id FROM storefront_webhook_deliveries d2 JOIN storefront_webhooks w2 ON w2.id = d2.webhook_id AND w2.disabled_at IS NULL
        WHERE (d2.status = 'pending' AND d2.next_attempt_at <= ${now}) OR (d2.status = 'sending' AND d2.lease_until <= ${now})
        ORDER BY d2.next_attempt_at, d2.id LIMIT ${limit}
        FOR UPDATE OF d2 SKIP LOCKED)
      RETURNING d.id::text, d.attempts, d.attempt_limit, d.body, w.id AS webhook_id, w.url, w.secret`),
  );
  const counts = { delivered: 0, retrying: 0, failed: 0 };
  if (leased.length === 0) return counts;

  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < leased.length) {
      const delivery = leased[next++]!;
      outcomes.push(await post(delivery, fetchImpl));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, leased.length) }, worker));

  const statuses: DeliveryStatus[] = [];
  const nextAttempts: Date[] = [];
  const gone = new Set<string>();
  const byId = new Map(leased.map((d) => [d.id, d]));
  for (const o of outcomes) {
    const ok = o.responseStatus !== null && o.responseStatus >= 200 && o.responseStatus < 300;
    const delivery = byId.get(o.id)!;
    if (o.responseStatus === 410) gone.add(delivery.webhook_id);
    const status: DeliveryStatus = ok ? "delivered" : o.responseStatus === 410 || o.attempt >= delivery.attempt_limit ? "failed" : "pending";
    statuses.push(status);
    nextAttempts.push(new Date(now.getTime() + (status === "pending" ? retryDelayMs(o.attempt) : 0)));
    counts[status === "delivered" ? "delivered" : status === "failed" ? "failed" : "retrying"] += 1;
  }

  await withTransaction(pool, async (tx) => {
    await tx.execute(sql`
      INSERT INTO storefront_webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_status, response_excerpt, error)
      SELECT * FROM unnest(${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.attempt)}::int[], ${outcomes.map((o) => o.startedAt)}::timestamptz[],
        ${outcomes.map((o) => o.durationMs)}::int[], ${outcomes.map((o) => o.responseStatus)}::int[], ${outcomes.map((o) => o.excerpt)}::text[], ${outcomes.map((o) => o.error)}::text[])
      ON CONFLICT (delivery_id, attempt) DO NOTHING`);
    await tx.execute(sql`
      UPDATE storefront_webhook_deliveries d
      SET status = u.status, next_attempt_at = u.next_attempt_at, lease_until = NULL,
          delivered_at = CASE WHEN u.status = 'delivered' THEN ${now}::timestamptz END
      FROM unnest(${outcomes.map((o) => o.id)}::bigint[], ${statuses}::text[], ${nextAttempts}::timestamptz[]) AS u(id, status, next_attempt_at)
      WHERE d.id = u.id`);
    if (gone.size > 0) {
      await tx.execute(sql`
        UPDATE storefront_webhooks SET disabled_at = ${now}, disabled_reason = 'The endpoint answered 410 Gone'
        WHERE id = ANY(${[...gone]}::text[]) AND disabled_at IS NULL`);
    }
  });
  return counts;
}

async function post(delivery: Leased, fetchImpl: typeof fetch): Promise<Outcome> {
  const started = new Date();
  const outcome = (responseStatus: number | null, excerpt: string | null, error: string | null): Outcome => ({
    id: delivery.id,
    attempt: delivery.attempts,
    startedAt: started,
    durationMs: Date.now() - started.getTime(),
    responseStatus,
    excerpt,
    error,
  });
  try {
    const response = await fetchImpl(delivery.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "memberflow-webhooks/1",
        [SIGNATURE_HEADER]: signPayload(delivery.secret, delivery.body, unixSeconds()),
        [DELIVERY_HEADER]: delivery.id,
        [ATTEMPT_HEADER]: String(delivery.attempts),
      },
      body: delivery.body,
      // Members' data goes only to the address the storefront registered.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text().catch(() => "");
    const excerpt = text.slice(0, EXCERPT_LENGTH) || null;
    if (response.status >= 300 && response.status < 400) return outcome(response.status, excerpt, "Redirects are not followed: register the final address");
    return outcome(response.status, excerpt, response.ok ? null : `The endpoint answered ${response.status}`);
  } catch (error) {
    const message = error instanceof Error ? (error.name === "TimeoutError" ? `No answer within ${TIMEOUT_MS / 1000} s` : error.message) : String(error);
    return outcome(null, null, message.slice(0, EXCERPT_LENGTH));
  }
}
