import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import fc from "fast-check";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// The storefront API over real HTTP against the running app: the contract document, keys and
// scopes, the whole loop of a flow's coupon (wallet → validate → 100 tills redeeming at once →
// an order moving the waiting member on → rollback), event batches, profiles, errors, and a fuzz.

const V1 = "/api/storefront/v1";
type Key = { id: string; key: string };
const ALL_SCOPES = "wallet:read,coupons:redeem,events:write,members:write";
const auth = (key: Key) => ({ authorization: `Bearer ${key.key}` });

async function expectProblem(response: APIResponse, status: number, code: string) {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toContain("application/problem+json");
  const body = (await response.json()) as { code: string; status: number; type: string; errors?: { path: string }[] };
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(body.type).toBe(`urn:memberflow:problem:${code}`);
  return body;
}

let key: Key;
test.beforeAll(async () => {
  key = await runHook<Key>("key", ALL_SCOPES, "5000");
});

test("the OpenAPI 3.1 document lists exactly the contract's paths and needs no key", async ({ request }) => {
  const response = await request.get(`${V1}/openapi.json`);
  expect(response.status()).toBe(200);
  const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
  expect(doc.openapi).toBe("3.1.0");
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  expect(operations.sort()).toEqual(
    [
      "PUT /members/{externalId}",
      "GET /members/{externalId}/wallet",
      "POST /coupons/{code}/validate",
      "POST /coupons/{code}/redeem",
      "POST /redemptions/{redemptionId}/rollback",
      "POST /events",
    ].sort(),
  );
  // Every operation documents its problems, and the schemas carry their names.
  expect(Object.keys(doc.paths["/coupons/{code}/redeem"]!.post!.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "404", "409", "422", "429"]));
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Wallet", "Problem", "StorefrontEvent", "OrderPlacedEvent", "Redemption", "WebhookDelivery", "WebhookEvent"]));
  // What a storefront's webhook receives is documented too (OpenAPI 3.1 `webhooks`).
  const webhook = (doc as unknown as { webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }> }).webhooks;
  expect(webhook.storefrontDelivery!.post.requestBody.content["application/json"]!.schema.$ref).toBe("#/components/schemas/WebhookDelivery");
});

test("missing, unknown, revoked and wrong-scope keys are refused", async ({ request }) => {
  const wallet = `${V1}/members/M00000001/wallet`;
  const missing = await request.get(wallet);
  await expectProblem(missing, 401, "unauthorized");
  expect(missing.headers()["www-authenticate"]).toContain("Bearer");
  await expectProblem(await request.get(wallet, { headers: { authorization: "Bearer mf_live_nope_nope" } }), 401, "unauthorized");

  const readOnly = await runHook<Key>("key", "wallet:read", "100");
  expect((await request.get(wallet, { headers: auth(readOnly) })).status()).toBe(200);
  const forbidden = await expectProblem(await request.post(`${V1}/events`, { headers: auth(readOnly), data: { events: [] } }), 403, "insufficient_scope");
  expect(forbidden).toMatchObject({ requiredScope: "events:write" });

  await runHook("revoke", readOnly.id);
  // Another process revoked it: the server notices within its 5-second key cache. (A kept-alive
  // socket the server closed while the hook ran can reset once: that try counts as "not yet".)
  await expect
    .poll(async () => (await request.get(wallet, { headers: auth(readOnly) }).then((r) => r.status(), (error: Error) => error.message)), { timeout: 20_000 })
    .toBe(401);
});

test("a key's rate limit answers 429 with Retry-After", async ({ request }) => {
  const slow = await runHook<Key>("key", "wallet:read", "2");
  const answers = await Promise.all(Array.from({ length: 12 }, () => request.get(`${V1}/members/M00000001/wallet`, { headers: auth(slow) })));
  const limited = answers.filter((a) => a.status() === 429);
  expect(answers.filter((a) => a.status() === 200).length).toBeGreaterThanOrEqual(3);
  expect(limited.length).toBeGreaterThan(0);
  await expectProblem(limited[0]!, 429, "rate_limited");
  expect(Number(limited[0]!.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
});

const loopNodes = [
  { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
  { id: "coupon", kind: "issue_coupon", name: "Till coupon", config: { template: { mode: "inline", name: "E2E ¥15 off ¥100", type: "amount", value: 15, minSpend: 100, validDays: 7 } } },
  { id: "wait", kind: "wait_for_response", name: "Ordered within a week?", config: { event: { type: "order.placed", conditions: [] }, window: { amount: 7, unit: "days" } } },
  { id: "thanks", kind: "exit", name: "Ordered", config: {} },
  { id: "gone", kind: "exit", name: "Did not order", config: {} },
];
const loopEdges = [
  { id: "e0", source: "start", branch: "out", target: "coupon" },
  { id: "e1", source: "coupon", branch: "out", target: "wait" },
  { id: "e2", source: "wait", branch: "responded", target: "thanks" },
  { id: "e3", source: "wait", branch: "timeout", target: "gone" },
];

/** The member's statistics row, money as numbers. */
async function stats(member: string) {
  const row = await runHook<Record<string, string | number>>("stats", member);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

type Wallet = { coupons: { code: string; minSpend: number }[] };
const redeemBody = (member: string, total: number) => ({ member, cart: { total, items: [] }, orderId: `O-${member}-${total}` });

test("a flow's coupon: in the wallet, validated, redeemed once by 100 tills at once, an order moves the member on, rolled back", async ({ page, request }) => {
  test.setTimeout(120_000);
  const flowId = await importFlow(page, flowFile(`E2E storefront ${Date.now()}`, loopNodes, loopEdges));
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");

  const [memberId] = await runHook<number[]>("pick", flowId, "1");
  await runHook("run", flowId, String(memberId));
  const member = (await runHook<string>("member", String(memberId)))!;
  const code = (await runHook<string>("coupon", flowId, String(memberId)))!;
  expect(code).toBeTruthy();

  const wallet = (await (await request.get(`${V1}/members/${member}/wallet`, { headers: auth(key) })).json()) as Wallet;
  expect(wallet.coupons.find((c) => c.code === code)).toMatchObject({ minSpend: 100 });

  const below = await (await request.post(`${V1}/coupons/${code}/validate`, { headers: auth(key), data: { member, cart: { total: 80 } } })).json();
  expect(below).toMatchObject({ valid: false, reason: "below_min_spend", minSpend: 100, eligibleAmount: 80 });
  const stranger = await (await request.post(`${V1}/coupons/${code}/validate`, { headers: auth(key), data: { member: "M00000001" === member ? "M00000002" : "M00000001", cart: { total: 500 } } })).json();
  expect(stranger).toMatchObject({ valid: false, reason: "member_mismatch" });
  const ok = await (await request.post(`${V1}/coupons/${code}/validate`, { headers: auth(key), data: { member, cart: { total: 120 } } })).json();
  expect(ok).toMatchObject({ valid: true, discount: 15, payable: 105 });

  // 100 tills, each with its own Idempotency-Key, at once: exactly one wins.
  const tills = await Promise.all(
    Array.from({ length: 100 }, (_, i) => request.post(`${V1}/coupons/${code}/redeem`, { headers: { ...auth(key), "idempotency-key": `till-${flowId}-${i}` }, data: redeemBody(member, 120) })),
  );
  const statuses = tills.map((t) => t.status());
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(99);
  const winner = tills[statuses.indexOf(201)]!;
  const redemption = (await winner.json()) as { redemptionId: string; discount: number };
  expect(redemption.discount).toBe(15);
  await expectProblem(tills[statuses.indexOf(409)]!, 409, "conflict");

  // The winner's retry replays its answer; the same key with another body is refused.
  const winnerKey = `till-${flowId}-${statuses.indexOf(201)}`;
  const replay = await request.post(`${V1}/coupons/${code}/redeem`, { headers: { ...auth(key), "idempotency-key": winnerKey }, data: redeemBody(member, 120) });
  expect(replay.status()).toBe(201);
  expect(replay.headers()["idempotent-replayed"]).toBe("true");
  expect(await replay.json()).toEqual(redemption);
  await expectProblem(await request.post(`${V1}/coupons/${code}/redeem`, { headers: { ...auth(key), "idempotency-key": winnerKey }, data: redeemBody(member, 130) }), 422, "idempotency_key_reused");
  await expectProblem(await request.post(`${V1}/coupons/${code}/redeem`, { headers: auth(key), data: redeemBody(member, 120) }), 400, "missing_idempotency_key");
  const redeemedWallet = (await (await request.get(`${V1}/members/${member}/wallet`, { headers: auth(key) })).json()) as Wallet;
  expect(redeemedWallet.coupons.map((c) => c.code)).not.toContain(code);

  // The member waits for an order; the order moves them down "responded" within a second.
  expect(await runHook<{ current_node_id: string }>("journey", flowId, String(memberId))).toMatchObject({ current_node_id: "wait", status: "waiting" });
  const posted = Date.now();
  const events = await request.post(`${V1}/events`, {
    headers: auth(key),
    data: { events: [{ id: `order-${flowId}`, type: "order.placed", member, order: { id: `O-${flowId}`, total: 105, discount: 15, couponCodes: [code] } }] },
  });
  expect(await events.json()).toMatchObject({ accepted: 1, results: [{ status: "accepted" }] });
  const journey = await runHook<{ path: string[]; status: string; ended_at: string }>("journey", flowId, String(memberId));
  // The move is in the transaction that accepted the order: the journey ended within a second of the post.
  expect(new Date(journey.ended_at).getTime() - posted).toBeLessThan(1_000);
  expect(journey.path).toContain("thanks");
  expect(journey.status).toBe("completed");

  // Rolled back: usable again; a second rollback is a conflict.
  const rollback = await request.post(`${V1}/redemptions/${redemption.redemptionId}/rollback`, { headers: auth(key) });
  expect(rollback.status()).toBe(200);
  expect(await rollback.json()).toMatchObject({ code, couponStatus: "usable" });
  const again = (await (await request.get(`${V1}/members/${member}/wallet`, { headers: auth(key) })).json()) as Wallet;
  expect(again.coupons.map((c) => c.code)).toContain(code);
  await expectProblem(await request.post(`${V1}/redemptions/${redemption.redemptionId}/rollback`, { headers: auth(key) }), 409, "conflict");
  await expectProblem(await request.post(`${V1}/redemptions/no-such-redemption/rollback`, { headers: auth(key) }), 404, "not_found");
});

test("profiles upsert by external id; event batches give each item its verdict and move the member's figures", async ({ request }) => {
  const member = `E2E-${Date.now()}`;
  await expectProblem(await request.put(`${V1}/members/${member}`, { headers: auth(key), data: { city: "南京市" } }), 422, "unprocessable");
  const created = await request.put(`${V1}/members/${member}`, { headers: auth(key), data: { name: "王小明", city: "南京市", consent: { sms: true }, attributes: { card: "A1" } } });
  expect(created.status()).toBe(201);
  expect(await created.json()).toMatchObject({ externalId: member, created: true, city: "南京市", consent: { sms: true, email: false }, tier: "bronze" });
  const updated = await request.put(`${V1}/members/${member}`, { headers: auth(key), data: { email: "wang@example.com", attributes: { card: null, level: 2 } } });
  expect(updated.status()).toBe(200);
  expect(await updated.json()).toMatchObject({ created: false, name: "王小明", city: "南京市", email: "wang@example.com", attributes: { level: 2 } });
  const bad = await expectProblem(await request.put(`${V1}/members/${member}`, { headers: auth(key), data: { email: "nope", shoeSize: 42 } }), 400, "validation_failed");
  expect(bad.errors!.map((e) => e.path)).toEqual(expect.arrayContaining(["body.email", "body"]));

  const batch = await request.post(`${V1}/events`, {
    headers: auth(key),
    data: {
      events: [
        { id: `${member}-o1`, type: "order.placed", member, order: { id: `${member}-O1`, total: 300 } },
        { id: `${member}-v1`, type: "visit", member, channel: "store" },
        { id: `${member}-x`, type: "order.placed", member: "NOBODY-HERE", order: { id: "x", total: 1 } },
        { id: `${member}-bad`, type: "order.placed", member, order: { total: "lots" } },
        { id: `${member}-o1`, type: "visit", member },
        { id: `${member}-c`, type: "custom", name: "wishlist.added", member, properties: { sku: "SKU-1" } },
        { type: "teleport", member },
      ],
    },
  });
  expect(batch.status()).toBe(200);
  const verdicts = (await batch.json()) as { accepted: number; duplicates: number; rejected: number; results: { status: string; reason?: string; errors?: { path: string }[] }[] };
  expect(verdicts).toMatchObject({ accepted: 3, duplicates: 1, rejected: 3 });
  expect(verdicts.results.map((r) => r.status)).toEqual(["accepted", "accepted", "rejected", "rejected", "duplicate", "accepted", "rejected"]);
  expect(verdicts.results[2]).toMatchObject({ reason: "member_not_found" });
  expect(verdicts.results[3]!.errors!.map((e) => e.path)).toEqual(expect.arrayContaining(["body.events.3.order.id", "body.events.3.order.total"]));
  expect(await stats(member)).toMatchObject({ order_count: 1, orders_30d: 1, visit_count: 1, spend_30d: 300, total_spend: 300 });

  // A replayed batch changes nothing; a partial refund leaves spend, a full one the counts.
  const replay = (await (await request.post(`${V1}/events`, { headers: auth(key), data: { events: [{ id: `${member}-o1`, type: "order.placed", member, order: { id: `${member}-O1`, total: 300 } }] } })).json()) as { duplicates: number };
  expect(replay.duplicates).toBe(1);
  const refund = (order: string, id: string, amount?: number) => ({ id, type: "order.refunded", member, order: { id: order, ...(amount ? { amount } : {}) } });
  const refunds = (await (await request.post(`${V1}/events`, { headers: auth(key), data: { events: [refund(`${member}-O1`, `${member}-r1`, 100), refund(`${member}-O1`, `${member}-r2`, 500)] } })).json()) as { results: { status: string; reason?: string }[] };
  expect(refunds.results).toMatchObject([{ status: "accepted" }, { status: "rejected", reason: "refund_exceeds_order" }]);
  expect(await stats(member)).toMatchObject({ order_count: 1, spend_30d: 200 });
  await request.post(`${V1}/events`, { headers: auth(key), data: { events: [refund(`${member}-O1`, `${member}-r3`)] } });
  expect(await stats(member)).toMatchObject({ order_count: 0, orders_30d: 0, spend_30d: 0 });
});

test("client mistakes are problems, never 5xx: bad JSON, wrong type, too large, unknown paths", async ({ request }) => {
  await expectProblem(await request.post(`${V1}/events`, { headers: { ...auth(key), "content-type": "application/json" }, data: Buffer.from("{not json") }), 400, "malformed_json");
  await expectProblem(await request.post(`${V1}/events`, { headers: { ...auth(key), "content-type": "text/plain" }, data: Buffer.from("hello") }), 415, "unsupported_media_type");
  await expectProblem(await request.post(`${V1}/events`, { headers: { ...auth(key), "content-type": "application/json" }, data: Buffer.from(JSON.stringify({ events: [{ pad: "x".repeat(600_000) }] })) }), 413, "payload_too_large");
  const tooMany = await expectProblem(await request.post(`${V1}/events`, { headers: auth(key), data: { events: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) } }), 400, "validation_failed");
  expect(tooMany.errors![0]!.path).toBe("body.events");
  await expectProblem(await request.get(`${V1}/members/${"x".repeat(101)}/wallet`, { headers: auth(key) }), 400, "validation_failed");
  await expectProblem(await request.get(`${V1}/members/M%00X/wallet`, { headers: auth(key) }), 400, "validation_failed");
  await expectProblem(await request.get(`${V1}/no/such/thing`, { headers: auth(key) }), 404, "not_found");
  await expectProblem(await request.post(`${V1}/coupons/NOPE/validate`, { headers: auth(key), data: { member: "M00000001", cart: { total: 10 } } }), 404, "not_found");
});

// ── Fuzz ─────────────────────────────────────────────────────────────────────────────────────
const FUZZ_RUNS = Number(process.env.STOREFRONT_FUZZ_RUNS ?? 10_000);

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("\u0000", "a\u0000b", "\u202e", "💥".repeat(50), "'; DROP TABLE members; --", "x".repeat(5_000), "", " ", "M00000001", "NaN"),
);
const hostileNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-1, 0, 1e308, -0, 0.001, 2 ** 53, 1.005));
const value = fc.oneof(hostileText, hostileNumber, fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 3 }));
const eventTypes = ["order.placed", "order.refunded", "visit", "sign_in", "review", "share", "notification.opened", "notification.clicked", "banner.shown", "banner.clicked", "custom", "nope"];
const fuzzEvent = fc.record(
  {
    id: value,
    type: fc.oneof(fc.constantFrom(...eventTypes), value),
    member: fc.oneof(fc.constantFrom("M00000001", "M00000002"), value),
    occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), value),
    order: fc.oneof(fc.record({ id: value, total: value, items: fc.oneof(value, fc.array(fc.record({ sku: value, quantity: value, unitPrice: value }), { maxLength: 3 })) }, { requiredKeys: [] }), value),
    name: value,
    properties: value,
    bannerId: value,
    notificationId: value,
  },
  { requiredKeys: [] },
);
const cart = fc.record({ total: value, items: fc.oneof(value, fc.array(fc.record({ sku: value, quantity: value, unitPrice: value }, { requiredKeys: [] }), { maxLength: 3 })) }, { requiredKeys: [] });
type Call = { method: "GET" | "POST" | "PUT"; path: string; body?: unknown; raw?: string; headers?: Record<string, string> };
const segment = fc.oneof(fc.constantFrom("M00000001", "NOPE", "%00", "%1F", "..", "a%2Fb"), fc.string({ maxLength: 30 }).map(encodeURIComponent));
const fuzzCall: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ method: fc.constant("POST" as const), path: fc.constant(`${V1}/events`), body: fc.oneof(fc.record({ events: fc.array(fuzzEvent, { maxLength: 5 }) }), fc.record({ events: value }), value) }),
  fc.record({ method: fc.constant("POST" as const), path: segment.map((c) => `${V1}/coupons/${c}/validate`), body: fc.oneof(fc.record({ member: value, cart }, { requiredKeys: [] }), value) }),
  fc.record({ method: fc.constant("POST" as const), path: segment.map((c) => `${V1}/coupons/${c}/redeem`), body: fc.oneof(fc.record({ member: value, cart, orderId: value }, { requiredKeys: [] }), value), headers: fc.record({ "idempotency-key": fc.string({ minLength: 1, maxLength: 300 }).filter((s) => /^[\x20-\x7e]*$/.test(s) && s.trim() === s && s.length > 0) }) }),
  fc.record({ method: fc.constant("POST" as const), path: segment.map((r) => `${V1}/redemptions/${r}/rollback`) }),
  fc.record({
    method: fc.constant("PUT" as const),
    path: fc.constantFrom(`${V1}/members/FUZZ-1`, `${V1}/members/FUZZ-2`),
    body: fc.oneof(fc.record({ name: value, phone: value, email: value, gender: value, birthday: value, registeredAt: value, consent: value, attributes: value }, { requiredKeys: [] }), value),
  }),
  fc.record({ method: fc.constant("GET" as const), path: fc.tuple(segment, fc.oneof(fc.constant(""), hostileText.map((p) => `?placement=${encodeURIComponent(p)}`))).map(([m, q]) => `${V1}/members/${m}/wallet${q}`) }),
  fc.record({ method: fc.constant("POST" as const), path: fc.constant(`${V1}/events`), raw: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("{", "[]", "null", '{"events":', "\u0000")) }),
);

async function send(request: APIRequestContext, call: Call) {
  const headers = { ...auth(key), ...(call.headers ?? {}) };
  const body = call.raw ?? (call.body !== undefined ? (JSON.stringify(call.body) ?? "null") : undefined);
  if (body === undefined) return request.fetch(call.path, { method: call.method, headers });
  return request.fetch(call.path, { method: call.method, headers: { ...headers, "content-type": "application/json" }, data: Buffer.from(body) });
}

test(`fuzz: ${FUZZ_RUNS} generated requests across the endpoints, no 5xx, every 4xx a problem+json`, async ({ request }) => {
  test.setTimeout(15 * 60_000);
  const calls = fc.sample(fuzzCall, { numRuns: FUZZ_RUNS, seed: Number(process.env.STOREFRONT_FUZZ_SEED ?? 20261203) });
  const failures: string[] = [];
  const concurrency = 8;
  for (let i = 0; i < calls.length; i += concurrency) {
    await Promise.all(
      calls.slice(i, i + concurrency).map(async (call) => {
        const response = await send(request, call);
        const status = response.status();
        const type = response.headers()["content-type"] ?? "";
        const text = await response.text();
        if (status >= 500) failures.push(`${status} ${call.method} ${call.path} ${JSON.stringify(call.body ?? call.raw)?.slice(0, 300)} → ${text.slice(0, 300)}`);
        else if (status >= 400 && (!type.includes("application/problem+json") || !(JSON.parse(text) as { code?: string }).code)) failures.push(`${status} not a problem: ${call.method} ${call.path} → ${text.slice(0, 200)}`);
        if (/at .*\.(ts|js):\d+|SELECT |violates|syntax error/i.test(text)) failures.push(`leak: ${call.method} ${call.path} → ${text.slice(0, 200)}`);
      }),
    );
  }
  expect(failures.slice(0, 10)).toEqual([]);
});
