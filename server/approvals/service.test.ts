// Publish approval on a real database: the setting, a request that freezes the draft, approval
// publishing exactly that snapshot, rejection keeping the live version, the refusals (own request,
// a second pending one, publishing past the setting) and the audit entries each step leaves.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, type Pool } from "@/server/db/sql";
import { flowDraft, inlineCoupon, onceNow, sms } from "@/server/flows/build";
import type { FlowDraft } from "@/server/flows/definition";
import type { Role, Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));

const approvals = await import("./service");
const { createFlow, saveDraft, publishFlow, listFlows } = await import("@/server/flows/service");

let t: TestDatabase;
let pool: Pool;
const MEMBERS = 40;

async function user(id: string, role: Role): Promise<Session> {
  await t.db.user.create({ data: { id, email: `${id}@example.com`, name: `User ${id}`, role } });
  return { user: { id, role, name: `User ${id}`, email: `${id}@example.com` } };
}
let ada: Session; // admin, approver
let bob: Session; // admin, approver
let mia: Session; // marketer

const STARTS = new Date(Date.now() - 60_000);

/** A schedule for every member: a coupon of `value`, then an SMS (sent only with consent). */
const couponFlow = (value: number): FlowDraft =>
  flowDraft(
    [
      { id: "start", kind: "schedule_trigger", config: onceNow(STARTS) },
      { id: "coupon", kind: "issue_coupon", config: inlineCoupon(value) },
      { id: "sms", kind: "send_notification", config: sms("您的券 {{coupon.code}}") },
    ],
    ["start>coupon", "coupon>sms"],
  );

async function editDraft(flowId: string, draft: FlowDraft, by: Session) {
  await saveDraft(t.db, { id: flowId, draft, layout: {} }, { actor: by.user.email! });
}

const couponValueOf = (definition: unknown) =>
  ((definition as FlowDraft).nodes.find((n) => n.id === "coupon")!.config as { template: { value: number } }).template.value;

async function auditActions(flowId: string) {
  const { rows } = await t.pool.query<{ action: string; actor: string; details: Record<string, unknown> }>(
    `SELECT action, actor, details FROM audit_logs WHERE entity_type = 'flow' AND entity_id = $1 ORDER BY id`,
    [flowId],
  );
  return rows;
}

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  ada = await user("ada", "admin");
  bob = await user("bob", "admin");
  mia = await user("mia", "marketer");
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(`INSERT INTO members (external_id, name, phone, registered_at, registration_channel, tier_id, consent_sms)
    SELECT 'M-' || i, '会员' || i, '139' || lpad(i::text, 8, '0'), now(), 'app', 'silver', i % 4 = 0 FROM generate_series(1, ${MEMBERS}) i`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("the setting", () => {
  it("is off until an admin turns it on; each change is audited once", async () => {
    expect((await approvals.approvalSetting(t.db)).publishNeedsApproval).toBe(false);
    // Off: there is nothing to request, the marketer publishes directly.
    const flow = await createFlow(t.db, { name: "Before approval", definition: couponFlow(5) });
    await expect(approvals.requestPublish(t.db, mia, { flowId: flow.id })).rejects.toMatchObject({ code: "conflict" });
    expect((await approvals.publishDirectly(t.db, mia, { id: flow.id })).version).toBe(1);

    await approvals.saveApprovalSetting(t.db, ada, { publishNeedsApproval: true });
    await approvals.saveApprovalSetting(t.db, ada, { publishNeedsApproval: true });
    expect((await approvals.approvalSetting(t.db)).publishNeedsApproval).toBe(true);
    const { rows } = await t.pool.query(`SELECT actor, details FROM audit_logs WHERE action = 'settings.publish_approval'`);
    expect(rows).toEqual([{ actor: "ada@example.com", details: { from: false, to: true } }]);
  });

  it("then refuses a marketer's direct publish (and import with publish), writing nothing; approvers still publish directly", async () => {
    const flow = await createFlow(t.db, { name: "Direct", definition: couponFlow(5) });
    await expect(approvals.publishDirectly(t.db, mia, { id: flow.id })).rejects.toMatchObject({ code: "forbidden" });
    const file = { format: "memberflow.flow", formatVersion: 2, name: "Imported", definition: couponFlow(5) };
    await expect(approvals.importAndPublish(t.db, mia, file, { publish: true })).rejects.toMatchObject({ code: "forbidden" });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM flows WHERE name = 'Imported'`)).rows[0].n).toBe(0);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM flow_versions WHERE flow_id = $1`, [flow.id])).rows[0].n).toBe(0);
    expect((await approvals.publishDirectly(t.db, ada, { id: flow.id })).version).toBe(1);
  });
});

describe("request and approval", () => {
  let flowId: string;
  let requestId: string;

  beforeAll(async () => {
    flowId = (await createFlow(t.db, { name: "Spring coupons", definition: couponFlow(25) })).id;
    await publishFlow(t.db, { id: flowId }, "ada@example.com"); // v1, live, ¥25
  });

  it("freezes the draft as requested: later edits do not change it, and the flow shows it waiting", async () => {
    await editDraft(flowId, couponFlow(30), mia);
    const request = await approvals.requestPublish(t.db, mia, { flowId, note: "¥30 for spring" });
    requestId = request.id;
    await editDraft(flowId, couponFlow(99), mia); // after the request: not what is approved

    const stored = (await t.pool.query(`SELECT status, definition, requested_by_id, note FROM flow_publish_requests WHERE id = $1`, [requestId])).rows[0];
    expect(stored).toMatchObject({ status: "pending", requested_by_id: "mia", note: "¥30 for spring" });
    expect(couponValueOf(stored.definition)).toBe(30);

    const listed = (await listFlows(t.db)).find((f) => f.id === flowId)!;
    expect(listed.publishRequests).toEqual([{ id: requestId, requestedAt: expect.any(Date) }]);
    const state = await approvals.publishRequestsOfFlow(t.db, flowId);
    expect(state.pending).toMatchObject({ id: requestId, status: "pending", requestedBy: { id: "mia" } });
  });

  it("shows the approver the diff against the live version and the engine's forecast of the snapshot", async () => {
    const review = await approvals.reviewPublishRequest(t.db, requestId);
    expect(review.liveVersion?.version).toBe(1);
    expect(review.diff.changed.map((c) => c.nodeId)).toEqual(["coupon"]);
    expect(couponValueOf({ nodes: [review.diff.changes.coupon!.before] })).toBe(25);
    expect(couponValueOf({ nodes: [review.diff.changes.coupon!.after] })).toBe(30);
    expect(review.draftChangedSince).toBe(true);
    expect(review.issues.filter((i) => i.severity === "error")).toEqual([]);

    const forecast = await approvals.forecastPublishRequest(t.db, pool, requestId);
    const counts = (await t.pool.query(`SELECT count(*)::int AS members, count(*) FILTER (WHERE consent_sms)::int AS sms FROM members`)).rows[0];
    expect(forecast.audience).toBe(counts.members);
    expect(forecast.coupons).toMatchObject({ count: counts.members, faceValue: counts.members * 30 });
    expect(Object.fromEntries(forecast.messages.map((m) => [m.status, m.count]))).toEqual({ queued: counts.sms, suppressed: counts.members - counts.sms });
    // A forecast issues nothing.
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM coupons`)).rows[0].n).toBe(0);
  });

  it("refuses the requester's own approval or rejection, even once the requester became an approver", async () => {
    const promoted: Session = { user: { ...mia.user, role: "admin" } };
    await expect(approvals.approvePublishRequest(t.db, promoted, { requestId })).rejects.toMatchObject({ code: "forbidden" });
    await expect(approvals.rejectPublishRequest(t.db, promoted, { requestId, comment: "mine" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await t.pool.query(`SELECT status FROM flow_publish_requests WHERE id = $1`, [requestId])).rows[0].status).toBe("pending");
  });

  it("approval publishes exactly the requested snapshot, with the request's status, and is audited", async () => {
    const published = await approvals.approvePublishRequest(t.db, ada, { requestId, comment: "Fine for spring" });
    expect(published.version).toBe(2);

    const live = (await t.pool.query(
      `SELECT v.version, v.definition, v.note, r.definition AS requested, r.status, r.decided_by_id, r.comment, r.published_version_id = v.id AS linked
       FROM flows f JOIN flow_versions v ON v.id = f.current_version_id JOIN flow_publish_requests r ON r.id = $2 WHERE f.id = $1`,
      [flowId, requestId],
    )).rows[0];
    expect(live).toMatchObject({ version: 2, note: "¥30 for spring", status: "approved", decided_by_id: "ada", comment: "Fine for spring", linked: true });
    expect(live.definition).toEqual(live.requested);
    expect(couponValueOf(live.definition)).toBe(30);
    // The draft keeps the marketer's later edit.
    expect(couponValueOf((await t.db.flow.findUniqueOrThrow({ where: { id: flowId } })).draft)).toBe(99);

    const log = await auditActions(flowId);
    expect(log.filter((e) => e.action.startsWith("flow.publish"))).toEqual([
      { action: "flow.publish", actor: "ada@example.com", details: { version: 1 } },
      { action: "flow.publish_request", actor: "mia@example.com", details: { requestId, note: "¥30 for spring" } },
      { action: "flow.publish", actor: "ada@example.com", details: { version: 2, requestId } },
      { action: "flow.publish_approve", actor: "ada@example.com", details: { requestId, version: 2, comment: "Fine for spring" } },
    ]);
    await expect(approvals.approvePublishRequest(t.db, bob, { requestId })).rejects.toMatchObject({ code: "conflict" });
    expect((await approvals.publishRequestsOfFlow(t.db, flowId)).lastDecision).toMatchObject({ status: "approved", publishedVersion: 2 });
  });

  it("rejection needs a comment, keeps the live version, and the requester reads why", async () => {
    const request = await approvals.requestPublish(t.db, mia, { flowId });
    await expect(approvals.rejectPublishRequest(t.db, ada, { requestId: request.id, comment: "   " })).rejects.toThrow(/Say why/);
    await approvals.rejectPublishRequest(t.db, bob, { requestId: request.id, comment: "¥99 is too generous" });

    const flow = (await t.pool.query(`SELECT v.version FROM flows f JOIN flow_versions v ON v.id = f.current_version_id WHERE f.id = $1`, [flowId])).rows[0];
    expect(flow.version).toBe(2);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM flow_versions WHERE flow_id = $1`, [flowId])).rows[0].n).toBe(2);
    const state = await approvals.publishRequestsOfFlow(t.db, flowId);
    expect(state.pending).toBeNull();
    expect(state.lastDecision).toMatchObject({ id: request.id, status: "rejected", comment: "¥99 is too generous", decidedBy: { id: "bob" } });
    expect((await auditActions(flowId)).at(-1)).toEqual({
      action: "flow.publish_reject",
      actor: "bob@example.com",
      details: { requestId: request.id, comment: "¥99 is too generous" },
    });
  });
});

describe("one pending request per flow", () => {
  it("refuses a second request, also when two arrive at once; the requester may withdraw and send again", async () => {
    const flowId = (await createFlow(t.db, { name: "Twice", definition: couponFlow(10) })).id;
    const results = await Promise.allSettled([approvals.requestPublish(t.db, mia, { flowId }), approvals.requestPublish(t.db, mia, { flowId })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict", message: expect.stringMatching(/already waiting/) });
    const first = (results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ id: string }>).value;
    await expect(approvals.requestPublish(t.db, mia, { flowId })).rejects.toMatchObject({ code: "conflict" });
    // The database itself holds the rule.
    await expect(
      t.pool.query(`INSERT INTO flow_publish_requests (id, flow_id, definition, requested_by_id) VALUES ('dup', $1, '{}', 'mia')`, [flowId]),
    ).rejects.toThrow(/flow_publish_requests_one_pending_key/);

    await expect(approvals.withdrawPublishRequest(t.db, ada, first.id)).rejects.toMatchObject({ code: "forbidden" });
    await approvals.withdrawPublishRequest(t.db, mia, first.id);
    const again = await approvals.requestPublish(t.db, mia, { flowId });
    expect((await t.pool.query(`SELECT id, status FROM flow_publish_requests WHERE flow_id = $1 ORDER BY requested_at`, [flowId])).rows).toEqual([
      { id: first.id, status: "withdrawn" },
      { id: again.id, status: "pending" },
    ]);
    expect((await auditActions(flowId)).map((e) => e.action)).toEqual(["flow.create", "flow.publish_request", "flow.publish_withdraw", "flow.publish_request"]);
  });

  it("refuses a request with errors or with nothing to publish, and an approval that would publish nothing new, leaving all as it was", async () => {
    const broken = (await createFlow(t.db, { name: "Broken", definition: flowDraft([{ id: "coupon", kind: "issue_coupon", config: inlineCoupon(5) }], []) })).id;
    await expect(approvals.requestPublish(t.db, mia, { flowId: broken })).rejects.toMatchObject({ code: "invalid" });

    const flowId = (await createFlow(t.db, { name: "Raced", definition: couponFlow(15) })).id;
    const request = await approvals.requestPublish(t.db, mia, { flowId });
    // An approver publishes the same draft directly meanwhile: approving would make an identical version.
    await approvals.publishDirectly(t.db, ada, { id: flowId });
    await expect(approvals.requestPublish(t.db, mia, { flowId })).rejects.toMatchObject({ code: "conflict" });
    await expect(approvals.approvePublishRequest(t.db, bob, { requestId: request.id })).rejects.toMatchObject({ code: "conflict" });
    expect((await t.pool.query(`SELECT status FROM flow_publish_requests WHERE id = $1`, [request.id])).rows[0].status).toBe("pending");
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM flow_versions WHERE flow_id = $1`, [flowId])).rows[0].n).toBe(1);
    expect((await auditActions(flowId)).map((e) => e.action)).not.toContain("flow.publish_approve");
  });
});
