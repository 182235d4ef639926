// Responses, loops, goals, re-entry, caps, quiet hours, pause and migration, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { ingestEvents } from "@/server/events/ingest";
import { publishFlow, saveDraft, setFlowStatus } from "@/server/flows/service";
import { runOccurrence, startManualRun } from "./triggers";
import { sweepDueWaits } from "./waits";
import { flowDraft, inlineCoupon, publishDraft, sms } from "@/server/flows/build";

let t: TestDatabase;
let pool: Pool;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (id, external_id, name, phone, registered_at, registration_channel, tier_id, consent_sms)
     SELECT i, 'M-' || i, '会员' || i, '1380000' || lpad(i::text, 4, '0'), now() - interval '100 days', 'app', 'silver', TRUE FROM generate_series(1, 40) i`,
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const rows = async (text: string, values: unknown[] = []) => (await t.pool.query(text, values)).rows;
const count = async (text: string, values: unknown[] = []) => Number((await rows(text, values))[0].n);
const manual = { id: "start", kind: "manual_trigger", config: {} };

async function runManual(flowId: string, members: number[], key: string, now = new Date()) {
  const id = await withTransaction(pool, (tx) => startManualRun(tx, flowId, members, key, now));
  await runOccurrence(pool, id, { now });
}
const journey = async (flowId: string, memberId: number) =>
  (await rows(`SELECT * FROM journeys WHERE flow_id = $1 AND member_id = $2 ORDER BY id DESC LIMIT 1`, [flowId, memberId]))[0];

describe("waiting for a response, and looping on no response", () => {
  let flowId: string;
  const t0 = new Date();
  beforeAll(async () => {
    const draft = flowDraft(
      [
        manual,
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(30) },
        { id: "wait", kind: "wait_for_response", config: { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 3, unit: "days" } }, visitLimit: 2 },
        { id: "thanks", kind: "tag", config: { action: "add", tags: ["redeemed"] } },
        { id: "remind", kind: "send_notification", config: sms("别忘了您的券 {{coupon.code}}"), visitLimit: 2 },
      ],
      ["start>coupon", "coupon>wait", "wait:responded>thanks", "wait:timeout>remind", "remind>wait"],
    );
    ({ flowId } = await publishDraft(t.db, "Redeem loop", draft));
    await runManual(flowId, [1, 2, 3], "run-1", t0);
  });

  it("holds every member at the wait with a deadline three days out", async () => {
    const waiting = await rows(`SELECT member_id, wait_until FROM journeys WHERE flow_id = $1 AND status = 'waiting' AND current_node_id = 'wait'`, [flowId]);
    expect(waiting).toHaveLength(3);
    for (const w of waiting) expect(new Date(w.wait_until).getTime()).toBe(t0.getTime() + 3 * DAY);
  });

  it("answers only to this journey's coupon, redeemed after the member reached the wait", async () => {
    const coupon = async (m: number) => (await rows(`SELECT id FROM coupons WHERE flow_id = $1 AND member_id = $2`, [flowId, m]))[0].id as string;
    const result = await ingestEvents(pool, [
      { id: "r1", memberId: 1, name: "coupon.redeemed", occurredAt: new Date(t0.getTime() - 3_600_000), properties: { couponId: await coupon(1) } },
      { id: "r2", memberId: 2, name: "coupon.redeemed", occurredAt: new Date(t0.getTime() + 60_000), properties: { couponId: await coupon(2) } },
      { id: "r3", memberId: 3, name: "coupon.redeemed", occurredAt: new Date(t0.getTime() + 60_000), properties: { couponId: "someone-else" } },
    ]);
    expect(result).toMatchObject({ accepted: 3, responses: 1 });
    expect((await journey(flowId, 2)).end_reason).toBe("end_of_path");
    expect(await count(`SELECT count(*) AS n FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE g.name = 'redeemed'`)).toBe(1);
    expect((await journey(flowId, 1)).status).toBe("waiting");
    expect((await journey(flowId, 3)).status).toBe("waiting");
    // A replay is recorded once and moves nothing.
    expect(await ingestEvents(pool, [{ id: "r2", memberId: 2, name: "coupon.redeemed", occurredAt: new Date(), properties: {} }])).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it("times out into a reminder and waits again, then leaves at the visit limit", async () => {
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + 3 * DAY - 1000) })).toBe(0);
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + 3 * DAY + 1000) })).toBe(2);
    const second = await journey(flowId, 1);
    expect(second).toMatchObject({ status: "waiting", current_node_id: "wait", current_visit: 2 });
    expect(await count(`SELECT count(*) AS n FROM notifications WHERE flow_id = $1`, [flowId])).toBe(2);
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + 7 * DAY) })).toBe(2);
    const last = await journey(flowId, 1);
    expect(last).toMatchObject({ status: "exited", end_reason: "visit_limit", current_node_id: "wait" });
    expect(last.path).toEqual(["start", "coupon", "wait", "remind", "wait", "remind", "wait"]);
    // Two reminders each, one per visit; the redeemer got none.
    expect(await count(`SELECT count(*) AS n FROM notifications WHERE flow_id = $1 AND member_id = 1`, [flowId])).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM notifications WHERE flow_id = $1 AND member_id = 2`, [flowId])).toBe(0);
  });

  it("does not answer a wait with an event from an earlier visit's window", async () => {
    // Member 3's journey has ended; a late redeem of its coupon changes nothing.
    const before = await journey(flowId, 3);
    await ingestEvents(pool, [{ id: "r3-late", memberId: 3, name: "coupon.redeemed", occurredAt: new Date(), properties: { couponId: "x" } }]);
    expect(await journey(flowId, 3)).toEqual(before);
  });
});

describe("the goal", () => {
  it("takes a member out in the middle of a delay and records the conversion", async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event: "member.registered", conditions: [] } },
        { id: "delay", kind: "delay", config: { amount: 1, unit: "days" } },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(10) },
      ],
      ["start>delay", "delay>coupon"],
      { goal: { event: "order.placed", conditions: [{ path: "amount", operator: "gte", value: 100 }], windowDays: 7 } },
    );
    const { flowId } = await publishDraft(t.db, "Welcome", draft);
    await ingestEvents(pool, [{ id: "reg-10", memberId: 10, name: "member.registered", occurredAt: new Date() }]);
    expect((await journey(flowId, 10)).status).toBe("waiting");
    await ingestEvents(pool, [{ id: "o-small", memberId: 10, name: "order.placed", occurredAt: new Date(), properties: { amount: 50 } }]);
    expect((await journey(flowId, 10)).status).toBe("waiting");
    const r = await ingestEvents(pool, [{ id: "o-big", memberId: 10, name: "order.placed", occurredAt: new Date(), properties: { amount: 150 } }]);
    expect(r.goals).toBe(1);
    const j = await journey(flowId, 10);
    expect(j).toMatchObject({ status: "exited", end_reason: "goal", current_node_id: "delay" });
    expect(j.converted_at).not.toBeNull();
    await sweepDueWaits(pool, { now: new Date(Date.now() + 2 * DAY) });
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1`, [flowId])).toBe(0);
  });
});

describe("concurrent entries", () => {
  it("enter a member once when its events arrive in parallel transactions", async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event: "custom.burst", conditions: [] } },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(8) },
        // Long enough that the other tests' sweeps (days ahead) leave the member waiting here.
        { id: "delay", kind: "delay", config: { amount: 365, unit: "days" } },
      ],
      ["start>coupon", "coupon>delay"],
      { reEntry: { mode: "after_exit" } },
    );
    const { flowId } = await publishDraft(t.db, "Burst", draft);
    // Eight transactions at once, each with its own event for member 40: the first to commit enters
    // it; the others find it in the flow (the live index refuses a second journey; they retry).
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ingestEvents(pool, [{ id: `burst-${i}`, memberId: 40, name: "custom.burst", occurredAt: new Date() }])),
    );
    expect(results.reduce((sum, r) => sum + r.entered, 0)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1 AND member_id = 40`, [flowId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1 AND member_id = 40`, [flowId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM member_events WHERE name = 'custom.burst'`)).toBe(8);
  });
});

describe("coupon limits under concurrency", () => {
  const eventFlow = (event: string, templateId: string) =>
    flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event, conditions: [] } },
        { id: "coupon", kind: "issue_coupon", config: { template: { mode: "existing", id: templateId } } },
      ],
      ["start>coupon"],
      { reEntry: { mode: "after_exit" } },
    );
  const burst = (event: string, members: number[], tag: string) =>
    Promise.all(members.map((m, i) => ingestEvents(pool, [{ id: `${tag}-${i}`, memberId: m, name: event, occurredAt: new Date() }])));

  it("holds the per-member maximum across flows issuing the same template at once", async () => {
    await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, per_member_max) VALUES ('tpl_once', 'Once', 'amount', 5, 0, 7, 1)`);
    await publishDraft(t.db, "Limit A", eventFlow("custom.limit_pm", "tpl_once"));
    await publishDraft(t.db, "Limit B", eventFlow("custom.limit_pm", "tpl_once"));
    // Each event enters member 39 into both flows; eight at once, in parallel transactions.
    await burst("custom.limit_pm", Array(8).fill(39), "pm");
    expect(await count(`SELECT count(*) AS n FROM journeys j JOIN flows f ON f.id = j.flow_id WHERE f.name LIKE 'Limit %' AND j.member_id = 39`)).toBeGreaterThanOrEqual(2);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE template_id = 'tpl_once' AND member_id = 39`)).toBe(1);
  });

  it("never issues past a template's total stock", async () => {
    await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, per_member_max, total_limit) VALUES ('tpl_stock', 'Stock', 'amount', 5, 0, 7, 1, 3)`);
    await publishDraft(t.db, "Stock", eventFlow("custom.limit_stock", "tpl_stock"));
    await burst("custom.limit_stock", [31, 32, 33, 34, 35, 36, 37, 38], "st");
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE template_id = 'tpl_stock'`)).toBe(3);
    expect(await count(`SELECT issued_count AS n FROM coupon_templates WHERE id = 'tpl_stock'`)).toBe(3);
  });
});

describe("re-entry", () => {
  it.each([
    ["once", { mode: "once" }, 1],
    ["after_exit", { mode: "after_exit" }, 2],
    ["cooldown", { mode: "cooldown", days: 30 }, 1],
  ] as const)("%s", async (name, reEntry, expected) => {
    const event = `custom.ping_${name}`;
    const draft = flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event, conditions: [] } },
        { id: "bye", kind: "exit", config: {} },
      ],
      ["start>bye"],
      { reEntry },
    );
    const { flowId } = await publishDraft(t.db, `Re-entry ${name}`, draft);
    await ingestEvents(pool, [{ id: `${name}-1`, memberId: 20, name: event, occurredAt: new Date() }]);
    await ingestEvents(pool, [{ id: `${name}-2`, memberId: 20, name: event, occurredAt: new Date() }]);
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(expected);
  });
});

describe("frequency caps and quiet hours", () => {
  it("suppresses a message over the cap and defers one in quiet hours to the end of the window, spread out", async () => {
    // 23:30 in Shanghai; quiet hours 22:00–08:00 end at 00:00 UTC the next day.
    const now = new Date("2026-12-02T15:30:00Z");
    const draft = flowDraft(
      [manual, { id: "a", kind: "send_notification", config: sms("第一条") }, { id: "b", kind: "send_notification", config: sms("第二条") }],
      ["start>a", "a>b"],
      { quietHours: { start: "22:00", end: "08:00" }, timezone: "Asia/Shanghai", frequencyCaps: { sms: { max: 1, days: 7 } } },
    );
    const { flowId } = await publishDraft(t.db, "Caps", draft);
    await runManual(flowId, [30, 31], "caps", now);
    const sent = await rows(`SELECT node_id, member_id, status::text, suppressed_reason, scheduled_for FROM notifications WHERE flow_id = $1 ORDER BY node_id, member_id`, [flowId]);
    expect(sent.map((r) => [r.node_id, r.status, r.suppressed_reason])).toEqual([
      ["a", "deferred", null],
      ["a", "deferred", null],
      ["b", "suppressed", "frequency_cap"],
      ["b", "suppressed", "frequency_cap"],
    ]);
    expect(new Date(sent[0].scheduled_for).toISOString()).toBe("2026-12-03T00:00:00.000Z");
    // Never a burst: the second lands one slot later (1,000 a minute by default).
    expect(new Date(sent[1].scheduled_for).getTime() - new Date(sent[0].scheduled_for).getTime()).toBe(60);
  });
});

describe("pause, resume and migration", () => {
  it("holds waits while paused, runs what fell due on resume, and migrates members by node id", async () => {
    const v1 = flowDraft(
      [manual, { id: "d1", kind: "delay", config: { amount: 1, unit: "days" } }, { id: "coupon", kind: "issue_coupon", config: inlineCoupon(5) }],
      ["start>d1", "d1>coupon"],
    );
    const { flowId } = await publishDraft(t.db, "Paused", v1);
    await runManual(flowId, [35, 36], "p");
    await setFlowStatus(t.db, { id: flowId, status: "paused" });
    expect(await sweepDueWaits(pool, { now: new Date(Date.now() + 2 * DAY) })).toBe(0);

    // v2 replaces d1 by d2; members waiting at d1 are moved to d2 and go on from there.
    const v2 = flowDraft(
      [manual, { id: "d2", kind: "delay", config: { amount: 2, unit: "days" } }, { id: "coupon", kind: "issue_coupon", config: inlineCoupon(5) }],
      ["start>d2", "d2>coupon"],
    );
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId } });
    await saveDraft(t.db, { id: flowId, draft: v2, layout: {}, baseUpdatedAt: flow.draftUpdatedAt });
    // A destination that is not a step of the new version is refused, naming the field; nothing is published.
    await expect(publishFlow(t.db, { id: flowId, migrate: { removedNodeTargets: { d1: "start" } } })).rejects.toMatchObject({
      code: "invalid",
      details: { field: "migrate.removedNodeTargets.d1" },
    });
    expect(await count(`SELECT count(*) AS n FROM flow_versions WHERE flow_id = $1`, [flowId])).toBe(1);
    const published = await publishFlow(t.db, { id: flowId, migrate: { removedNodeTargets: { d1: "d2" } } });
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1 AND flow_version_id = $2 AND current_node_id = 'd2'`, [flowId, published.versionId])).toBe(2);
    await setFlowStatus(t.db, { id: flowId, status: "active" });
    expect(await sweepDueWaits(pool, { now: new Date(Date.now() + 2 * DAY) })).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE flow_id = $1`, [flowId])).toBe(2);
  });

  it("keeps a response that arrives while paused: nothing runs, and on resume the member leaves by responded, past the deadline too", async () => {
    const draft = flowDraft(
      [
        manual,
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(8) },
        { id: "wait", kind: "wait_for_response", config: { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 1, unit: "days" } } },
        { id: "thanks", kind: "tag", config: { action: "add", tags: ["paused-thanks"] } },
        { id: "missed", kind: "tag", config: { action: "add", tags: ["paused-missed"] } },
      ],
      ["start>coupon", "coupon>wait", "wait:responded>thanks", "wait:timeout>missed"],
    );
    const { flowId } = await publishDraft(t.db, "Paused response", draft);
    const t0 = new Date();
    await runManual(flowId, [37, 38], "pr", t0);
    await setFlowStatus(t.db, { id: flowId, status: "paused" });
    const [coupon] = await rows(`SELECT id FROM coupons WHERE flow_id = $1 AND member_id = 37`, [flowId]);
    const tagged = (tag: string) =>
      count(`SELECT count(*) AS n FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE g.name = $1 AND mt.member_id IN (37, 38)`, [tag]);

    const result = await ingestEvents(pool, [{ id: "paused-r37", memberId: 37, name: "coupon.redeemed", occurredAt: new Date(t0.getTime() + 60_000), properties: { couponId: coupon.id } }], {
      now: new Date(t0.getTime() + 60_000),
    });
    expect(result.responses).toBe(1);
    // Paused: the member has answered but stays at the wait, and the next step has not run.
    expect((await journey(flowId, 37)).status).toBe("waiting");
    expect(await tagged("paused-thanks")).toBe(0);
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + 2 * DAY) })).toBe(0);

    // Resumed two days later, after the one-day window: the answer still counts; the other timed out.
    await setFlowStatus(t.db, { id: flowId, status: "active" });
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + 2 * DAY) })).toBe(2);
    expect(await rows(`SELECT g.name, mt.member_id FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE g.name LIKE 'paused-%' ORDER BY 2`)).toEqual([
      { name: "paused-thanks", member_id: 37 },
      { name: "paused-missed", member_id: 38 },
    ]);
  });
});
