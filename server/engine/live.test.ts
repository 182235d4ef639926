// The live state of a running flow on a real PostgreSQL: a flow published and run by the engine's
// own operations, its figures read through live.ts and compared with independent SQL over the
// journeys and effects the run wrote (never over the counters live.ts reads).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { ingestEvents } from "@/server/events/ingest";
import { publishFlow, saveDraft, setFlowStatus } from "@/server/flows/service";
import { DomainError } from "@/server/errors";
import { flowDraft, inlineCoupon, onceNow, publishDraft, sms, type NodeInput } from "@/server/flows/build";
import { runOccurrence, startManualRun, tick } from "./triggers";
import { sweepDueWaits } from "./waits";
import { flowLiveCounts, flowSummaries, memberJourneys, membersAtNode } from "./live";

let t: TestDatabase;
let pool: Pool;
const MEMBERS = 60;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  // Members 1..MEMBERS; every third one lives in Jiangsu.
  await t.pool.query(
    `INSERT INTO members (id, external_id, name, phone, province, registered_at, registration_channel, tier_id, consent_sms)
     SELECT i, 'M-' || i, '会员' || i, '1380000' || lpad(i::text, 4, '0'), CASE WHEN i % 3 = 0 THEN '江苏省' ELSE '浙江省' END,
            now() - interval '100 days', 'app', 'silver', TRUE
     FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const rows = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await t.pool.query(text, values)).rows as T[];
const count = async (text: string, values: unknown[] = []) => Number((await rows<{ n: string }>(text, values))[0]!.n);

async function runManual(flowId: string, members: number[], key: string, now = new Date()) {
  const id = await withTransaction(pool, (tx) => startManualRun(tx, flowId, members, key, now));
  await runOccurrence(pool, id, { now });
}

const jiangsu = { type: "group", op: "and", children: [{ type: "rule", field: "province", operator: "in", value: ["江苏省"] }] };
const nodes = (smsText: string): NodeInput[] => [
  { id: "start", kind: "manual_trigger", config: {}, name: "Run by hand" },
  { id: "split", kind: "split", config: { groups: [{ id: "js", name: "Jiangsu", conditions: jiangsu }], elseName: "Others" }, name: "By province" },
  { id: "coupon", kind: "issue_coupon", config: inlineCoupon(20), name: "¥20 coupon" },
  { id: "wait", kind: "delay", config: { amount: 1, unit: "days" } },
  { id: "remind", kind: "send_notification", config: sms(smsText), name: "Reminder" },
  { id: "tag", kind: "tag", config: { action: "add", tags: ["others"] } },
];
const edges = ["start>split", "split:js>coupon", "coupon>wait", "wait>remind", "split:else>tag"];

/** What live.ts must say, computed from the journeys alone. */
async function expectedFromJourneys(flowId: string) {
  const perNode = await rows<{ node_id: string; entered: string; waiting: string; active: string }>(
    `SELECT n.node_id,
            (SELECT count(*) FROM journeys j WHERE j.flow_id = $1 AND n.node_id = ANY(j.path)) AS entered,
            (SELECT count(*) FROM journeys j WHERE j.flow_id = $1 AND j.current_node_id = n.node_id AND j.status = 'waiting') AS waiting,
            (SELECT count(*) FROM journeys j WHERE j.flow_id = $1 AND j.current_node_id = n.node_id AND j.status = 'active') AS active
     FROM unnest(ARRAY['start', 'split', 'coupon', 'wait', 'remind', 'tag']) AS n(node_id)`,
    [flowId],
  );
  const ended = await rows<{ node_id: string; end_reason: string; n: string }>(
    `SELECT current_node_id AS node_id, end_reason, count(*) AS n FROM journeys WHERE flow_id = $1 AND ended_at IS NOT NULL GROUP BY 1, 2`,
    [flowId],
  );
  return {
    nodes: Object.fromEntries(perNode.map((r) => [r.node_id, { entered: Number(r.entered), waiting: Number(r.waiting), active: Number(r.active) }])),
    ended: Object.fromEntries(ended.map((r) => [`${r.node_id}/${r.end_reason}`, Number(r.n)])),
    totals: await journeyTotals(flowId),
  };
}

/** The flow's totals counted over its journeys. */
async function journeyTotals(flowId: string) {
  const [r] = await rows<Record<string, string>>(
    `SELECT count(*) AS entered, count(*) FILTER (WHERE status IN ('active', 'waiting')) AS in_flight,
            count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'exited') AS exited,
            count(converted_at) AS converted
     FROM journeys WHERE flow_id = $1`,
    [flowId],
  );
  return { entered: Number(r!.entered), inFlight: Number(r!.in_flight), completed: Number(r!.completed), exited: Number(r!.exited), converted: Number(r!.converted) };
}

async function expectLiveMatchesJourneys(flowId: string) {
  const live = await flowLiveCounts(t.db, flowId);
  const expected = await expectedFromJourneys(flowId);
  for (const [nodeId, e] of Object.entries(expected.nodes)) {
    expect({ nodeId, entered: live.nodes[nodeId]!.entered, waiting: live.nodes[nodeId]!.waiting, active: live.nodes[nodeId]!.active }).toEqual({ nodeId, ...e });
  }
  const ended = Object.fromEntries(Object.entries(live.nodes).flatMap(([id, n]) => Object.entries(n.ended).map(([reason, v]) => [`${id}/${reason}`, v])));
  expect(ended).toEqual(expected.ended);
  expect(live.totals).toEqual(expected.totals);
  expect((await flowSummaries(t.db, [flowId])).get(flowId)!.totals).toEqual(expected.totals);
  // The split's branches: members who went on to the coupon, and to the tag.
  expect(live.nodes.split!.byBranch).toEqual({ js: expected.nodes.coupon!.entered, else: expected.nodes.tag!.entered });
  return live;
}

describe("a running flow's live figures", () => {
  let flowId: string;
  const t0 = new Date();
  const firstRun = Array.from({ length: 30 }, (_, i) => i + 1); // 10 of them in Jiangsu

  beforeAll(async () => {
    ({ flowId } = await publishDraft(t.db, "Live", flowDraft(nodes("券码 {{coupon.code}} 明天到期"), edges)));
    await runManual(flowId, firstRun, "run-1", t0);
  });

  it("counts members per node, branch and end as independent SQL over the journeys does", async () => {
    const live = await expectLiveMatchesJourneys(flowId);
    // And the known values of this run, so a shared mistake on both sides cannot pass.
    expect(live.version?.version).toBe(1);
    expect(live.nodes.start!.entered).toBe(30);
    expect(live.nodes.split!.byBranch).toEqual({ js: 10, else: 20 });
    expect(live.nodes.wait).toMatchObject({ entered: 10, waiting: 10, active: 0 });
    expect(live.nodes.remind!.entered).toBe(0);
    expect(live.nodes.tag!.ended).toEqual({ end_of_path: 20 });
    expect(live.totals).toMatchObject({ entered: 30, inFlight: 10, completed: 20, exited: 0 });
    expect(live.lastRun).toMatchObject({ nodeId: "start", status: "done", entered: 30 });
    expect(live.lastRun!.dueAt.getTime()).toBe(t0.getTime());
  });

  it("lists the members standing at a node, page by page", async () => {
    const expected = (await rows<{ member_id: number }>(`SELECT member_id FROM journeys WHERE flow_id = $1 AND current_node_id = 'wait' AND status = 'waiting' ORDER BY member_id`, [flowId])).map((r) => r.member_id);
    expect(expected).toHaveLength(10);
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof membersAtNode>> = await membersAtNode(t.db, { flowId, nodeId: "wait", limit: 4, cursor });
      seen.push(...page.members.map((m) => m.memberId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
    const [first] = (await membersAtNode(t.db, { flowId, nodeId: "wait" })).members;
    expect(first).toMatchObject({ memberId: 3, externalId: "M-3", name: "会员3", status: "waiting", version: 1 });
    expect(first!.since.getTime()).toBe(t0.getTime());
    expect(first!.waitUntil!.getTime()).toBe(t0.getTime() + DAY);
    // Nobody stands at a node members only pass through.
    expect((await membersAtNode(t.db, { flowId, nodeId: "coupon" })).members).toEqual([]);
  });

  it("sums over versions: members migrated to v2 keep their node, and v2's own run adds to v1's", async () => {
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId } });
    await saveDraft(t.db, { id: flowId, draft: flowDraft(nodes("明天到期：{{coupon.code}}"), edges), layout: {}, baseUpdatedAt: flow.draftUpdatedAt });
    const v2 = await publishFlow(t.db, { id: flowId, migrate: { removedNodeTargets: {} } });
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1 AND flow_version_id = $2 AND current_node_id = 'wait'`, [flowId, v2.versionId])).toBe(10);

    await runManual(flowId, [31, 32, 33, 34, 35, 36], "run-2", new Date(t0.getTime() + 1000)); // 33 and 36 in Jiangsu
    expect(await sweepDueWaits(pool, { now: new Date(t0.getTime() + DAY + 500) })).toBe(10);

    const live = await expectLiveMatchesJourneys(flowId);
    expect(live.version?.version).toBe(2);
    expect(live.nodes.start!.entered).toBe(36);
    expect(live.nodes.split!.byBranch).toEqual({ js: 12, else: 24 });
    expect(live.nodes.wait).toMatchObject({ entered: 12, waiting: 2, byBranch: { out: 10 } });
    expect(live.nodes.remind).toMatchObject({ entered: 10, ended: { end_of_path: 10 } });
    expect(live.totals).toMatchObject({ entered: 36, inFlight: 2, completed: 34 });
    expect(live.lastRun).toMatchObject({ status: "done", entered: 6 });
    // Members at "wait" now: the two of the second run, on v2.
    expect((await membersAtNode(t.db, { flowId, nodeId: "wait" })).members.map((m) => [m.memberId, m.version])).toEqual([[33, 2], [36, 2]]);
  });

  it("gives a member's journey with the path it took and the coupon and message it received", async () => {
    const [journey, ...others] = await memberJourneys(t.db, 3);
    expect(others).toEqual([]);
    const [coupon] = await rows<{ code: string; valid_to: Date }>(`SELECT code, valid_to FROM coupons WHERE member_id = 3 AND flow_id = $1`, [flowId]);
    const [message] = await rows<{ status: string }>(`SELECT status::text FROM notifications WHERE member_id = 3 AND flow_id = $1`, [flowId]);
    expect(journey).toMatchObject({ flowId, flowName: "Live", version: 2, status: "completed", endReason: "end_of_path", isControl: false });
    expect(journey!.path).toEqual([
      { nodeId: "start", kind: "manual_trigger", name: "Run by hand" },
      { nodeId: "split", kind: "split", name: "By province" },
      { nodeId: "coupon", kind: "issue_coupon", name: "¥20 coupon" },
      { nodeId: "wait", kind: "delay", name: null },
      { nodeId: "remind", kind: "send_notification", name: "Reminder" },
    ]);
    expect(journey!.effects.map((e) => e.type)).toEqual(["coupon", "notification"]);
    expect(journey!.effects[0]).toMatchObject({ type: "coupon", nodeId: "coupon", code: coupon!.code, templateName: "¥20 off", status: "issued", couponType: "amount", value: 20 });
    expect((journey!.effects[0] as { validTo: Date }).validTo.getTime()).toBe(new Date(coupon!.valid_to).getTime());
    // The message as it is sent: v2's text (the member was migrated before reaching it), the code filled in.
    expect(journey!.effects[1]).toMatchObject({ type: "notification", nodeId: "remind", channel: "sms", status: message!.status, body: `明天到期：${coupon!.code}` });

    // A member of the other branch: a tag and nothing else; a member who never entered: nothing.
    const [other] = await memberJourneys(t.db, 1);
    expect(other!.path.map((s) => s.nodeId)).toEqual(["start", "split", "tag"]);
    expect(other!.effects).toEqual([]);
    expect(await memberJourneys(t.db, MEMBERS)).toEqual([]);
  });
});

describe("totals when journeys leave early", () => {
  it("counts goal conversions and members taken out by archiving as the journeys say", async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "event_trigger", config: { event: "member.registered", conditions: [] } },
        { id: "wait", kind: "delay", config: { amount: 1, unit: "days" } },
        { id: "tag", kind: "tag", config: { action: "add", tags: ["welcomed"] } },
      ],
      ["start>wait", "wait>tag"],
      { goal: { event: "order.placed", conditions: [], windowDays: 7 } },
    );
    const { flowId } = await publishDraft(t.db, "Welcome", draft);
    const now = Date.now();
    await ingestEvents(pool, [40, 41, 42, 43, 44, 45].map((m) => ({ id: `reg-${m}`, memberId: m, name: "member.registered", occurredAt: new Date(now) })));
    await ingestEvents(pool, [40, 41].map((m) => ({ id: `order-${m}`, memberId: m, name: "order.placed", occurredAt: new Date(now + 1000), properties: { amount: 99 } })));

    let live = await flowLiveCounts(t.db, flowId);
    expect(live.totals).toEqual(await journeyTotals(flowId));
    expect(live.totals).toEqual({ entered: 6, inFlight: 4, completed: 0, exited: 2, converted: 2 });
    expect(live.nodes.wait).toMatchObject({ entered: 6, waiting: 4, ended: { goal: 2 } });
    expect((await flowSummaries(t.db, [flowId])).get(flowId)!.totals).toEqual(live.totals);

    // Archiving ends the journeys in flight where they stand.
    await setFlowStatus(t.db, { id: flowId, status: "archived" });
    live = await flowLiveCounts(t.db, flowId);
    expect(live.totals).toEqual(await journeyTotals(flowId));
    expect(live.totals).toEqual({ entered: 6, inFlight: 0, completed: 0, exited: 6, converted: 2 });
    expect(live.nodes.wait!.waiting).toBe(0);
    expect((await flowSummaries(t.db, [flowId])).get(flowId)!.totals).toEqual(live.totals);
  });
});

describe("flows before and between runs", () => {
  it("has empty figures for a flow never published, and says when a scheduled one runs next", async () => {
    const draftOnly = await t.db.flow.create({ data: { name: "Draft", draft: flowDraft([], []) as object } });
    const live = await flowLiveCounts(t.db, draftOnly.id);
    expect(live).toMatchObject({ version: null, nodes: {}, lastRun: null, nextRunAt: null, totals: { entered: 0, inFlight: 0 } });

    const at = new Date(Date.now() + 3_600_000);
    const { flowId } = await publishDraft(t.db, "Later", flowDraft([{ id: "start", kind: "schedule_trigger", config: onceNow(at) }, { id: "tag", kind: "tag", config: { action: "add", tags: ["x"] } }], ["start>tag"]));
    expect(await tick(pool, new Date())).toEqual([]);
    const summaries = await flowSummaries(t.db, [flowId, draftOnly.id]);
    expect(summaries.get(flowId)).toMatchObject({ lastRun: null, totals: { entered: 0 } });
    expect(summaries.get(flowId)!.nextRunAt!.getTime()).toBe(at.getTime());
    expect(summaries.get(draftOnly.id)).toMatchObject({ lastRun: null, nextRunAt: null });
  });

  it("says what a flow waits for, when nothing will run again, and the engine's last failure until a run goes through", async () => {
    // Listening: an event trigger has no time but waits for its event.
    const listening = await publishDraft(t.db, "Listens", flowDraft([{ id: "start", kind: "event_trigger", config: { event: "order.placed", conditions: [] } }, { id: "tag", kind: "tag", config: { action: "add", tags: ["y"] } }], ["start>tag"]));
    expect((await flowSummaries(t.db, [listening.flowId])).get(listening.flowId)).toMatchObject({ nextRunAt: null, listensFor: [{ kind: "event_trigger", eventName: "order.placed" }], lastError: null });

    // A one-time schedule that has run: no time ahead, nothing listening, nobody in flight.
    const once = await publishDraft(t.db, "Ran once", flowDraft([{ id: "start", kind: "schedule_trigger", config: onceNow() }, { id: "tag", kind: "tag", config: { action: "add", tags: ["z"] } }], ["start>tag"]));
    for (const occurrence of await tick(pool, new Date())) await runOccurrence(pool, occurrence);
    const ran = (await flowSummaries(t.db, [once.flowId])).get(once.flowId)!;
    expect(ran).toMatchObject({ nextRunAt: null, listensFor: [], totals: { inFlight: 0 }, lastRun: { status: "done" } });
    expect(ran.lastRun!.entered).toBe(await count(`SELECT count(*) AS n FROM journeys WHERE flow_id = $1`, [once.flowId]));

    // A run that fails (its message template is gone) is on the flow's status; a later good run clears it.
    await t.pool.query(`INSERT INTO notification_templates (id, name, channel, title, body) VALUES ('doomed', 'Doomed', 'sms', '', 'hi')`);
    const failing = await publishDraft(t.db, "Fails", flowDraft([{ id: "start", kind: "manual_trigger", config: {} }, { id: "say", kind: "send_notification", config: { channel: "sms", content: { mode: "template", templateId: "doomed" } } }], ["start>say"]));
    await t.pool.query(`DELETE FROM notification_templates WHERE id = 'doomed'`);
    const first = await withTransaction(pool, (tx) => startManualRun(tx, failing.flowId, [1], "fail-1"));
    await expect(runOccurrence(pool, first)).rejects.toThrow(/does not exist/);
    expect((await flowSummaries(t.db, [failing.flowId])).get(failing.flowId)!.lastError).toBe("message template doomed does not exist");
    await t.pool.query(`INSERT INTO notification_templates (id, name, channel, title, body) VALUES ('doomed', 'Doomed', 'sms', '', 'hi again')`);
    await runOccurrence(pool, first);
    expect((await flowLiveCounts(t.db, failing.flowId)).lastError).toBeNull();
  });

  it("refuses a flow that does not exist", async () => {
    await expect(flowLiveCounts(t.db, "no-such-flow")).rejects.toBeInstanceOf(DomainError);
  });
});
