// Storefront webhooks on a real PostgreSQL and over real HTTP: a published flow issues coupons
// and banners, the effect writer queues one event per subscription, the sender delivers them
// signed in batches to a local receiver, retries with back-off, gives up, and sends again on request.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { flowDraft, inlineCoupon, onceNow, publishDraft } from "@/server/flows/build";
import { runOccurrence, tick } from "@/server/engine/triggers";
import { SIGNATURE_HEADER, verifySignature } from "@/server/signing";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { deliverStorefrontWebhooks } from "./deliver";
import { webhookDeliverySchema } from "./schemas";
import { createStorefrontWebhook, createWebhookInput, listDeliveries, listStorefrontWebhooks, redeliver, sendTestEvent, setWebhookEnabled } from "./subscriptions";
import { ATTEMPT_HEADER, DELIVERY_HEADER, MAX_DELIVERY_ATTEMPTS, retryDelayMs } from "./topics";

const MEMBERS = 130;
let t: TestDatabase;
let pool: Pool;

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
/** What the receiver answers next, per path (default 200). */
const answers = new Map<string, number[]>();
let server: http.Server;
let base = "";

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
     SELECT 'M-' || i, '会员' || i, now() - interval '100 days', 'app', 'silver' FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      const status = answers.get(req.url ?? "")?.shift() ?? 200;
      res.writeHead(status, { "Content-Type": "text/plain" }).end(status === 200 ? "ok" : `no thanks (${status})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await pool.end();
  await t.drop();
});
beforeEach(() => {
  received.length = 0;
  answers.clear();
});

const count = async (text: string, values: unknown[] = []) => Number((await t.pool.query(text, values)).rows[0].n);
async function runDue(now = new Date()) {
  for (const id of await tick(pool, now)) await runOccurrence(pool, id);
}
async function publishAndRun(name: string) {
  const draft = flowDraft(
    [
      { id: "start", kind: "schedule_trigger", config: onceNow() },
      { id: "coupon", kind: "issue_coupon", config: inlineCoupon(20) },
      { id: "banner", kind: "show_banner", config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/b.png", title: "Double points", link: "/points", validDays: 3 } } },
    ],
    ["start>coupon", "coupon>banner"],
  );
  const { flowId } = await publishDraft(t.db, name, draft);
  await runDue();
  return flowId;
}

describe("subscriptions", () => {
  it("refuse a bad address or no topic, field by field", () => {
    const result = createWebhookInput.safeParse({ name: "Shop", url: "ftp://shop.example.com/hook", topics: [] });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["url", "topics"]));
    expect(createWebhookInput.safeParse({ name: "Shop", url: "https://shop.example.com/hook", topics: ["coupon.redeemed"] }).success).toBe(false);
  });
});

describe("what a flow issues reaches the subscribed storefronts, signed, once", () => {
  let flowId: string;
  let coupons: { id: string; secret: string };
  let banners: { id: string; secret: string };
  let off: { id: string };

  beforeAll(async () => {
    coupons = await createStorefrontWebhook(t.db, { name: "Web shop coupons", url: `${base}/coupons`, topics: ["coupon.issued"] });
    banners = await createStorefrontWebhook(t.db, { name: "App banners", url: `${base}/banners`, topics: ["banner.issued", "price.issued"] });
    off = await createStorefrontWebhook(t.db, { name: "Turned off", url: `${base}/off`, topics: ["coupon.issued", "banner.issued"] });
    await setWebhookEnabled(t.db, off.id, false);
    flowId = await publishAndRun("Webhook campaign");
  });

  it("queues one event per issued row and subscription, in the issuing transaction, and none for a subscription that is off", async () => {
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1`, [flowId])).toBe(MEMBERS);
    expect(await count(`SELECT count(*) AS n FROM storefront_webhook_events WHERE webhook_id = $1 AND topic = 'coupon.issued'`, [coupons.id])).toBe(MEMBERS);
    expect(await count(`SELECT count(*) AS n FROM storefront_webhook_events WHERE webhook_id = $1`, [banners.id])).toBe(MEMBERS);
    expect(await count(`SELECT count(*) AS n FROM storefront_webhook_events WHERE webhook_id = $1`, [off.id])).toBe(0);
    // Every coupon is announced, by its id.
    expect(await count(`SELECT count(*) AS n FROM coupons c JOIN storefront_webhook_events e ON e.object_id = c.id AND e.webhook_id = $1 WHERE c.flow_id = $2`, [coupons.id, flowId])).toBe(MEMBERS);
  });

  it("never announces twice: the occurrence run again queues nothing", async () => {
    const [occ] = (await t.pool.query(`SELECT id FROM trigger_occurrences WHERE flow_id = $1`, [flowId])).rows;
    await t.pool.query(`UPDATE trigger_occurrences SET status = 'running', cursor_member_id = 0 WHERE id = $1`, [occ.id]);
    await runOccurrence(pool, Number(occ.id));
    expect(await count(`SELECT count(*) AS n FROM storefront_webhook_events`)).toBe(2 * MEMBERS);
  });

  it("delivers them in signed batches of at most 100, each event once, shaped as the OpenAPI document says", async () => {
    const counts = await deliverStorefrontWebhooks(pool);
    expect(counts).toEqual({ deliveriesMade: 4, delivered: 4, retrying: 0, failed: 0 });
    const couponPosts = received.filter((r) => r.path === "/coupons");
    expect(couponPosts.map((r) => webhookDeliverySchema.parse(JSON.parse(r.body)).events.length).sort((a, b) => a - b)).toEqual([30, 100]);
    for (const post of received) {
      const secret = post.path === "/coupons" ? coupons.secret : banners.secret;
      expect(verifySignature(secret, post.body, String(post.headers[SIGNATURE_HEADER.toLowerCase()]))).toBe(true);
      expect(verifySignature("whsec_wrong", post.body, String(post.headers[SIGNATURE_HEADER.toLowerCase()]))).toBe(false);
      expect(post.headers[ATTEMPT_HEADER.toLowerCase()]).toBe("1");
    }
    const events = couponPosts.flatMap((r) => webhookDeliverySchema.parse(JSON.parse(r.body)).events);
    expect(new Set(events.map((e) => e.id)).size).toBe(MEMBERS);
    // Each event carries the coupon as the wallet shows it, for the member it was issued to.
    const codes = new Map((await t.pool.query(`SELECT m.external_id, c.code FROM coupons c JOIN members m ON m.id = c.member_id WHERE c.flow_id = $1`, [flowId])).rows.map((r) => [r.external_id, r.code]));
    for (const e of events) {
      if (e.type !== "coupon.issued") throw new Error(`unexpected ${e.type}`);
      expect(e.data.coupon.code).toBe(codes.get(e.data.member));
      expect(e.data.flowId).toBe(flowId);
      expect(e.data.coupon.value).toBe(20);
    }
    const bannerEvents = received.filter((r) => r.path === "/banners").flatMap((r) => webhookDeliverySchema.parse(JSON.parse(r.body)).events);
    expect(bannerEvents.every((e) => e.type === "banner.issued" && e.data.banner.placement === "app_home_top")).toBe(true);
    expect(received.some((r) => r.path === "/off")).toBe(false);

    // Nothing is left: a second pass sends nothing.
    received.length = 0;
    expect(await deliverStorefrontWebhooks(pool)).toEqual({ deliveriesMade: 0, delivered: 0, retrying: 0, failed: 0 });
    expect(received).toHaveLength(0);
    const [listed] = (await listStorefrontWebhooks(t.db)).filter((w) => w.id === coupons.id);
    expect(listed!.deliveries.delivered).toBe(2);
    expect(listed!.waitingEvents).toBe(0);
    expect(listed!.lastAttempt?.responseStatus).toBe(200);
  });
});

describe("a failing endpoint", () => {
  it("is retried with back-off, the same bytes each time, every attempt logged, until it answers", async () => {
    const hook = await createStorefrontWebhook(t.db, { name: "Flaky", url: `${base}/flaky`, topics: ["coupon.issued"] });
    await sendTestEvent(t.db, hook.id);
    answers.set("/flaky", [500, 503]);
    const now = new Date();
    expect(await deliverStorefrontWebhooks(pool, { now })).toMatchObject({ deliveriesMade: 1, retrying: 1 });

    const [first] = (await listDeliveries(t.db, { webhookId: hook.id })).deliveries;
    expect(first).toMatchObject({ status: "pending", attempts: 1 });
    expect(first!.nextAttemptAt!.getTime()).toBe(now.getTime() + retryDelayMs(1));
    expect(first!.attemptLog).toEqual([expect.objectContaining({ attempt: 1, responseStatus: 500, responseExcerpt: "no thanks (500)", error: "The endpoint answered 500" })]);

    // Not due before its time; then 503 (four times the wait), then delivered.
    expect(await deliverStorefrontWebhooks(pool, { now: new Date(now.getTime() + retryDelayMs(1) - 1_000) })).toMatchObject({ retrying: 0, delivered: 0 });
    const second = new Date(now.getTime() + retryDelayMs(1));
    await deliverStorefrontWebhooks(pool, { now: second });
    expect((await listDeliveries(t.db, { webhookId: hook.id })).deliveries[0]!.nextAttemptAt!.getTime()).toBe(second.getTime() + retryDelayMs(2));
    expect(await deliverStorefrontWebhooks(pool, { now: new Date(second.getTime() + retryDelayMs(2)) })).toMatchObject({ delivered: 1 });

    const flaky = received.filter((r) => r.path === "/flaky");
    expect(flaky.map((r) => r.headers[ATTEMPT_HEADER.toLowerCase()])).toEqual(["1", "2", "3"]);
    expect(new Set(flaky.map((r) => r.body)).size).toBe(1);
    expect(new Set(flaky.map((r) => r.headers[DELIVERY_HEADER.toLowerCase()])).size).toBe(1);
    expect(webhookDeliverySchema.parse(JSON.parse(flaky[0]!.body)).events[0]!.type).toBe("webhook.ping");
    const [done] = (await listDeliveries(t.db, { webhookId: hook.id })).deliveries;
    expect(done).toMatchObject({ status: "delivered", attempts: 3, nextAttemptAt: null });
    expect(done!.attemptLog.map((a) => a.responseStatus)).toEqual([500, 503, 200]);
  });

  it("is given up after the last attempt, and Redeliver sends it once more", async () => {
    // A closed port: nothing answers.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const hook = await createStorefrontWebhook(t.db, { name: "Down", url: `http://127.0.0.1:${port}/hook`, topics: ["coupon.issued"] });
    await sendTestEvent(t.db, hook.id);
    let at = new Date();
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await deliverStorefrontWebhooks(pool, { now: at });
      at = new Date(at.getTime() + retryDelayMs(attempt));
    }
    const [given] = (await listDeliveries(t.db, { webhookId: hook.id })).deliveries;
    expect(given).toMatchObject({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS });
    expect(given!.attemptLog).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(given!.attemptLog.every((a) => a.responseStatus === null && a.error)).toBe(true);
    // Later passes leave it alone.
    expect(await deliverStorefrontWebhooks(pool, { now: new Date(at.getTime() + 86_400_000) })).toMatchObject({ failed: 0, retrying: 0 });

    await t.pool.query(`UPDATE storefront_webhooks SET url = $1 WHERE id = $2`, [`${base}/back`, hook.id]);
    await redeliver(t.db, given!.id);
    await expect(redeliver(t.db, given!.id)).rejects.toThrow(/still being sent/);
    expect(await deliverStorefrontWebhooks(pool)).toMatchObject({ delivered: 1 });
    expect(received.filter((r) => r.path === "/back")).toHaveLength(1);
    expect((await listDeliveries(t.db, { webhookId: hook.id })).deliveries[0]).toMatchObject({ status: "delivered", attempts: MAX_DELIVERY_ATTEMPTS + 1 });
  });

  it("answering 410 Gone turns the subscription off", async () => {
    const hook = await createStorefrontWebhook(t.db, { name: "Gone", url: `${base}/gone`, topics: ["coupon.issued"] });
    await sendTestEvent(t.db, hook.id);
    answers.set("/gone", [410]);
    expect(await deliverStorefrontWebhooks(pool)).toMatchObject({ failed: 1 });
    const [listed] = (await listStorefrontWebhooks(t.db)).filter((w) => w.id === hook.id);
    expect(listed!.disabledAt).not.toBeNull();
    expect(listed!.disabledReason).toMatch(/410/);
    await expect(sendTestEvent(t.db, hook.id)).rejects.toThrow(/Turn the webhook on/);
  });
});

describe("several senders at once", () => {
  it("never batch an event twice nor send a delivery twice", async () => {
    const hooks = [];
    for (let i = 0; i < 6; i++) hooks.push(await createStorefrontWebhook(t.db, { name: `Busy ${i}`, url: `${base}/busy`, topics: ["coupon.issued"] }));
    for (const hook of hooks) for (let n = 0; n < 3; n++) await sendTestEvent(t.db, hook.id);
    const passes = () => Promise.all([1, 2, 3].map(() => deliverStorefrontWebhooks(pool, { limit: 2 })));
    const results = [...(await passes()), ...(await passes()), ...(await passes())];
    expect(results.reduce((n, r) => n + r.deliveriesMade, 0)).toBe(6);
    const busy = received.filter((r) => r.path === "/busy");
    const deliveryIds = busy.map((r) => r.headers[DELIVERY_HEADER.toLowerCase()]);
    expect(deliveryIds).toHaveLength(6);
    expect(new Set(deliveryIds).size).toBe(6);
    // Each subscription's three pings, in one delivery.
    expect(busy.map((r) => webhookDeliverySchema.parse(JSON.parse(r.body)).events.length)).toEqual([3, 3, 3, 3, 3, 3]);
  });
});
