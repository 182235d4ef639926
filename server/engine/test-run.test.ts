import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, type Pool } from "@/server/db/sql";
import type { FlowDefinition } from "@/server/flows/definition";
import { createFlow } from "@/server/flows/service";
import { forecast, testRun } from "./test-run";
import { flowDraft, inlineCoupon, onceNow, sms } from "@/server/flows/build";

let t: TestDatabase;
let pool: Pool;
let flowId: string;
const definition = flowDraft(
  [
    { id: "start", kind: "schedule_trigger", config: onceNow() },
    { id: "coupon", kind: "issue_coupon", config: inlineCoupon(25) },
    { id: "sms", kind: "send_notification", config: sms("{{member.name}} 的券码 {{coupon.code}}") },
    { id: "wait", kind: "wait_for_response", config: { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 2, unit: "days" } } },
    { id: "thanks", kind: "points", config: { action: "award", amount: 50, reason: "谢谢" } },
  ],
  ["start>coupon", "coupon>sms", "sms>wait", "wait:responded>thanks"],
) as unknown as FlowDefinition;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(`INSERT INTO members (external_id, name, phone, registered_at, registration_channel, tier_id, consent_sms)
    SELECT 'M-' || i, '会员' || i, '139' || lpad(i::text, 8, '0'), now(), 'app', 'silver', i % 2 = 0 FROM generate_series(1, 50) i`);
  flowId = (await createFlow(t.db, { name: "Draft", definition })).id;
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const totals = async () => (await t.pool.query(`SELECT (SELECT count(*) FROM coupons) + (SELECT count(*) FROM notifications) + (SELECT count(*) FROM journeys) + (SELECT count(*) FROM points_entries) AS n`)).rows[0].n;

describe("test run and forecast", () => {
  it("shows one member's path and effects, answering the wait, and writes nothing", async () => {
    const before = await totals();
    const run = await testRun(pool, { flowId, definition, memberId: 2, triggerNodeId: "start", responses: { wait: "responded" } });
    expect(run.steps.map((s) => s.nodeId)).toEqual(["start", "coupon", "sms", "wait", "thanks"]);
    const [coupon] = run.steps[1]!.effects;
    const [message] = run.steps[2]!.effects;
    if (coupon?.type !== "coupon" || message?.type !== "notification") throw new Error("expected a coupon, then a message");
    expect(coupon).toMatchObject({ couponType: "amount", value: 25, status: "issued" });
    // The message as the member would read it: the name and the very code the coupon step issued.
    expect(message.body).toBe(`会员2 的券码 ${coupon.code}`);
    expect(message.status).toBe("queued");
    expect(run.steps[3]!.waited).toMatchObject({ answered: "responded" });
    expect(run.steps[4]!.effects[0]).toMatchObject({ type: "points", amount: 50 });
    expect(run.ended).toEqual({ status: "completed", reason: "end_of_path" });
    expect(await totals()).toBe(before);
  });

  it("forecasts the whole audience up to the first wait: coupons, face value, messages after consent", async () => {
    const before = await totals();
    const f = await forecast(pool, { flowId, definition, triggerNodeId: "start" });
    expect(f.entering).toBe(50);
    expect(f.nodes.coupon!.entered).toBe(50);
    expect(f.nodes.wait!.waiting).toBe(50);
    expect(f.coupons).toMatchObject({ count: 50, faceValue: 50 * 25 });
    const bySatus = Object.fromEntries(f.messages.map((m) => [m.status, m.count]));
    expect(bySatus).toEqual({ queued: 25, suppressed: 25 });
    expect(await totals()).toBe(before);
  });

  it("scales a sample of a large audience to the exact audience count", async () => {
    const before = await totals();
    const f = await forecast(pool, { flowId, definition, triggerNodeId: "start", sample: 20 });
    expect(f).toMatchObject({ sample: 20, audience: 50, entering: 50 });
    expect(f.nodes.coupon!.entered).toBe(50);
    expect(f.coupons).toMatchObject({ count: 50, faceValue: 50 * 25 });
    // Consent splits the sample, not exactly in half: the scaled figures add up to the audience,
    // give or take the rounding of each group.
    const messages = f.messages.reduce((sum, m) => sum + m.count, 0);
    expect(Math.abs(messages - 50)).toBeLessThanOrEqual(f.messages.length);
    expect(await totals()).toBe(before);
  });
});
