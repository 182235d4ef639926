// The message template library on a real PostgreSQL: the form's rules, edits and archive (flows
// keep sending archived templates), figures against independent SQL, the flows that use each
// template, inline messages synced from a flow, and a preview that shows exactly what the engine
// sends the same member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";
import { deliverOutbox } from "@/server/engine/messaging/deliver";
import { localProvider } from "@/server/engine/messaging/providers";
import { flowDraft, inlineCoupon, publishDraft, sms } from "@/server/flows/build";
import { publishFlow, saveDraft } from "@/server/flows/service";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { inlineMessageTemplateId, messageTemplateInput, unknownVariables } from "./message-template-schema";
import {
  createMessageTemplate,
  flowsUsingMessageTemplates,
  getMessageTemplate,
  listMessageTemplates,
  messageFigures,
  previewMessage,
  setMessageTemplateArchived,
  updateMessageTemplate,
} from "./message-templates";

let t: TestDatabase;
let pool: Pool;
const MEMBERS = 30;
const providers = { sms: localProvider, email: localProvider, push: localProvider, in_app: localProvider, webhook: localProvider };
const everyVariable =
  "{{member.name}}|{{member.tier}}|{{member.points}}|{{member.expiringPoints}}|{{member.pointsExpireAt}}|{{coupon.code}}|{{coupon.name}}|{{coupon.value}}|{{coupon.validTo}}";

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('gold', '金卡', 'Gold', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, phone, email, consent_sms, consent_email, registered_at, registration_channel, tier_id, points_balance)
     SELECT 'M-' || i, '会员' || i, '1380000' || lpad(i::text, 4, '0'), 'm' || i || '@example.com', i % 5 <> 0, true, now() - interval '100 days', 'app', 'gold', i * 100
     FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
  // Points about to expire for member 1: two lots on the earliest date (one partly spent: 350 of
  // 500 are left), one later, and an emptied lot before them all.
  await t.pool.query(
    `INSERT INTO points_entries (member_id, type, amount, remaining, reason, expires_at) VALUES
       (1, 'earn', 300, 300, 'order', now() + interval '20 days'), (1, 'earn', 200, 50, 'order', now() + interval '20 days'),
       (1, 'earn', 900, 900, 'order', now() + interval '300 days'), (1, 'earn', 400, 0, 'order', now() + interval '10 days')`,
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const rows = async (text: string, values: unknown[] = []) => (await t.pool.query(text, values)).rows;
async function run(flowId: string, memberIds: number[]) {
  const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, memberIds, `test-${Date.now()}-${Math.random()}`));
  await runOccurrence(pool, occurrence);
}
async function publishSending(templateId: string, channel = "sms") {
  const draft = flowDraft(
    [
      { id: "start", kind: "manual_trigger", config: {} },
      { id: "send", kind: "send_notification", config: { channel, content: { mode: "template", templateId } } },
    ],
    ["start>send"],
  );
  return (await publishDraft(t.db, `Sends ${templateId}`, draft)).flowId;
}

describe("the form's rules", () => {
  const base = { channel: "sms" as const, name: "Welcome", body: "【memberflow】{{member.name}}，欢迎！" };
  const issues = (input: unknown) => messageTemplateInput.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

  it("refuses unknown variables on the field that has them, with the same syntax the engine fills", () => {
    expect(issues({ ...base, body: "Hi {{member.nickname}}" })).toEqual(["body: Unknown variable: use ones from the list, e.g. {{member.name}} or {{coupon.code}}"]);
    expect(issues({ ...base, channel: "email", title: "For {{ coupon.cod }}", body: "x" }).map((i) => i.split(":")[0])).toEqual(["title"]);
    // Spaces inside the braces are fine: the renderer fills {{ member.name }} too.
    expect(issues({ ...base, body: "Hi {{ member.name }}" })).toEqual([]);
    expect(unknownVariables("{{a}} {{member.name}} {{a}} {{constructor}}")).toEqual(["a", "constructor"]);
  });

  it("holds each channel to its limits", () => {
    expect(issues({ ...base, body: "字".repeat(501) })).toEqual(["body: An SMS is at most 500 characters"]);
    expect(issues({ ...base, title: "A title" }).map((i) => i.split(":")[0])).toEqual(["title"]); // SMS has no title
    expect(issues({ ...base, channel: "email", body: "Hello" })).toEqual(["title: Write the subject"]);
    expect(issues({ ...base, channel: "push", body: "Hello" })).toEqual(["title: Write a title"]);
    expect(issues({ ...base, channel: "email", title: "S", body: "x".repeat(5000) })).toEqual([]); // an email may be long
    expect(issues({ ...base, channel: "webhook", body: '{"name": "{{member.name}}", "points": {{member.points}}}' })).toEqual([]);
    expect(issues({ ...base, channel: "webhook", body: "name={{member.name}}" }).map((i) => i.split(":")[0])).toEqual(["body"]);
    expect(issues({ ...base, name: "  " }).map((i) => i.split(":")[0])).toEqual(["name"]);
    expect(issues({ ...base, body: "a\u0000b" }).map((i) => i.split(":")[0])).toEqual(["body"]);
  });
});

describe("the library", () => {
  let templateId: string;
  let flowId: string;

  beforeAll(async () => {
    ({ id: templateId } = await createMessageTemplate(t.db, { channel: "sms", name: "Points", body: "{{member.name}}，您有 {{member.points}} 积分" }, { actor: "tester" }));
    flowId = await publishSending(templateId);
  });

  it("writes an audit row with each change", async () => {
    await updateMessageTemplate(t.db, templateId, { channel: "sms", name: "Points balance", body: "{{member.name}}，您的积分：{{member.points}}" }, { actor: "tester" });
    const audit = await rows(`SELECT action, actor FROM audit_logs WHERE entity_id = $1 ORDER BY id`, [templateId]);
    expect(audit).toEqual([{ action: "message_template.create", actor: "tester" }, { action: "message_template.update", actor: "tester" }]);
    expect((await getMessageTemplate(t.db, templateId)).body).toBe("{{member.name}}，您的积分：{{member.points}}");
  });

  it("refuses to change the channel of a template flows use", async () => {
    await expect(updateMessageTemplate(t.db, templateId, { channel: "push", name: "Points", title: "T", body: "x" })).rejects.toMatchObject({ code: "invalid", details: { field: "channel" } });
  });

  it("archived, it leaves the default list but flows that use it keep sending it", async () => {
    await run(flowId, [2]);
    await setMessageTemplateArchived(t.db, templateId, true);
    expect((await listMessageTemplates(t.db)).some((x) => x.id === templateId)).toBe(false);
    expect((await listMessageTemplates(t.db, { archived: true })).find((x) => x.id === templateId)?.archivedAt).not.toBeNull();
    await run(flowId, [3]);
    expect(await rows(`SELECT member_id, body FROM notifications WHERE template_id = $1 ORDER BY member_id`, [templateId])).toEqual([
      { member_id: 2, body: "{{member.name}}，您的积分：{{member.points}}" },
      { member_id: 3, body: "{{member.name}}，您的积分：{{member.points}}" },
    ]);
    await setMessageTemplateArchived(t.db, templateId, false);
    const actions = await rows(`SELECT action FROM audit_logs WHERE entity_id = $1 AND action LIKE '%archive' ORDER BY id`, [templateId]);
    expect(actions.map((a) => a.action)).toEqual(["message_template.archive", "message_template.unarchive"]);
  });

  it("lists the flows that use it, and its figures agree with independent SQL", async () => {
    await run(flowId, [4, 5, 6, 7, 8, 9, 10]); // member 5 and 10 have no SMS consent: suppressed
    await deliverOutbox(pool, { providers, untilEmpty: true });
    await t.pool.query(`UPDATE notifications SET opened_at = sent_at WHERE template_id = $1 AND member_id IN (2, 3, 4)`, [templateId]);
    await t.pool.query(`UPDATE notifications SET clicked_at = sent_at WHERE template_id = $1 AND member_id = 2`, [templateId]);
    const listed = (await listMessageTemplates(t.db)).find((x) => x.id === templateId)!;
    expect(listed.flows.map((f) => f.id)).toEqual([flowId]);
    const [independent] = await rows(
      `SELECT count(*)::int AS messages, sum((status = 'sent')::int)::int AS sent, sum((opened_at IS NOT NULL)::int)::int AS opened,
              sum((clicked_at IS NOT NULL)::int)::int AS clicked, sum((status = 'suppressed')::int)::int AS suppressed
       FROM notifications WHERE template_id = $1`,
      [templateId],
    );
    expect(listed.figures).toMatchObject(independent);
    expect(listed.figures).toMatchObject({ messages: 9, sent: 7, opened: 3, clicked: 1, suppressed: 2, failed: 0 });
    expect(listed.figures.openRate).toBeCloseTo(3 / 7);
  });
});

describe("a flow's inline messages", () => {
  it("sync into the library as the flow's own templates, counted and listed with the flow", async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "manual_trigger", config: {} },
        { id: "hello", kind: "send_notification", config: sms("{{member.name}}，您好") },
      ],
      ["start>hello"],
    );
    const { flowId } = await publishDraft(t.db, "Inline hello", draft);
    const id = inlineMessageTemplateId(flowId, "hello");
    expect(id).toBe(`flow_${flowId}_hello`);
    // Publishing put it in the library.
    const synced = await getMessageTemplate(t.db, id);
    expect(synced).toMatchObject({ name: "Inline hello · hello", channel: "sms", body: "{{member.name}}，您好", sourceFlowId: flowId });
    expect(synced.flows.map((f) => f.id)).toEqual([flowId]);

    // Renamed in the library, republished with a new text: the name stays, the text follows the flow.
    await updateMessageTemplate(t.db, id, { channel: "sms", name: "Hello from the flow", body: "{{member.name}}，您好" });
    const welcomeBack = flowDraft(
      [
        { id: "start", kind: "manual_trigger", config: {} },
        { id: "hello", kind: "send_notification", config: sms("{{member.name}}，欢迎回来") },
      ],
      ["start>hello"],
    );
    await saveDraft(t.db, { id: flowId, draft: welcomeBack, layout: {} });
    await publishFlow(t.db, { id: flowId });
    expect(await getMessageTemplate(t.db, id)).toMatchObject({ name: "Hello from the flow", body: "{{member.name}}，欢迎回来", sourceFlowId: flowId });
    // Its text is the flow's: not edited here.
    await expect(updateMessageTemplate(t.db, id, { channel: "sms", name: "Hello", body: "changed" })).rejects.toMatchObject({ code: "invalid", details: { field: "body" } });

    // The inline node's messages (they carry no template id) count for it.
    await run(flowId, [11, 12]);
    const figures = (await messageFigures(t.db, [id])).get(id);
    expect(figures).toMatchObject({ messages: 2 });
    expect((await flowsUsingMessageTemplates(t.db)).get(id)?.map((f) => f.id)).toEqual([flowId]);
  });
});

describe("the preview", () => {
  it("shows a member exactly what the engine sends them: a flow's stored message and the preview agree", async () => {
    const draft = flowDraft(
      [
        { id: "start", kind: "manual_trigger", config: {} },
        { id: "gift", kind: "issue_coupon", config: inlineCoupon(20, 14) },
        { id: "tell", kind: "send_notification", config: sms(`亲爱的{{member.name}}：${everyVariable}`) },
      ],
      ["start>gift", "gift>tell"],
    );
    const { flowId } = await publishDraft(t.db, "Gift and tell", draft);
    await run(flowId, [1]);
    await deliverOutbox(pool, { providers, untilEmpty: true });
    const [stored] = await rows(`SELECT body, status, variables FROM notifications WHERE flow_id = $1 AND member_id = 1`, [flowId]);
    expect(stored.status).toBe("sent");

    const preview = await previewMessage(pool, { channel: "sms", body: `亲爱的{{member.name}}：${everyVariable}`, memberId: 1 });
    expect(preview.body).toBe(stored.body);
    expect(preview.coupon).toMatchObject({ source: "member" });
    // Every variable is filled (a member with points about to expire and a fresh coupon).
    expect(Object.values(preview.variables).every((v) => v !== null && v !== "")).toBe(true);
    expect(preview.variables).toMatchObject({ "member.name": "会员1", "member.tier": "金卡", "member.points": 100, "member.expiringPoints": 350 });
    // The flow's name is the engine's; a library template belongs to no flow, so its preview shows a sample.
    expect(stored.variables).toMatchObject({ "flow.name": "Gift and tell" });
    expect(preview.variables).toEqual({ ...stored.variables, "flow.name": "春季召回（示例）" });
    // Chinese text: UCS-2, 70 characters in one SMS.
    expect(preview.sms).toMatchObject({ encoding: "ucs2", characters: preview.body.length });
    expect(preview.suppressedReason).toBeNull();
  });

  it("uses the member's most recent active coupon, whatever issued it, and leaves it as it was", async () => {
    const [template] = await rows(`SELECT id FROM coupon_templates LIMIT 1`);
    await t.pool.query(
      `INSERT INTO coupons (code, template_id, member_id, valid_from, valid_to, issued_at) VALUES
         ('OLDER-1', $1, 20, now() - interval '2 days', now() + interval '5 days', now() - interval '2 days'),
         ('NEWER-1', $1, 20, now() - interval '1 day', now() + interval '5 days', now() - interval '1 day'),
         ('USED-1', $1, 20, now(), now() + interval '5 days', now())`,
      [template.id],
    );
    await t.pool.query(`UPDATE coupons SET status = 'redeemed' WHERE code = 'USED-1'`);
    const preview = await previewMessage(pool, { channel: "sms", body: "{{coupon.code}} {{coupon.validTo}}", memberId: 20 });
    expect(preview.coupon).toEqual({ source: "member", code: "NEWER-1" });
    expect(preview.body.startsWith("NEWER-1 ")).toBe(true);
    expect(await rows(`SELECT code, journey_id FROM coupons WHERE member_id = 20 ORDER BY code`)).toEqual([
      { code: "NEWER-1", journey_id: null },
      { code: "OLDER-1", journey_id: null },
      { code: "USED-1", journey_id: null },
    ]);
  });

  it("marks sample coupon values when the member has none, and says when the engine would not send", async () => {
    const preview = await previewMessage(pool, { channel: "sms", body: "{{member.name}} {{coupon.code}}", memberId: 25 }, { locale: "en" });
    expect(preview.coupon).toEqual({ source: "sample" });
    expect(preview.body).toBe("会员25 SAMPLE-0000");
    expect(preview.suppressedReason).toBe("no_consent"); // member 25 gave no SMS consent
    const email = await previewMessage(pool, { channel: "email", title: "{{member.name}}", body: "Hi", memberId: 25 });
    expect(email).toMatchObject({ title: "会员25", suppressedReason: null, sms: null });
    await expect(previewMessage(pool, { channel: "sms", body: "x", memberId: 999_999 })).rejects.toMatchObject({ code: "not_found" });
  });

  it("writes nothing", async () => {
    const before = await rows(`SELECT (SELECT count(*) FROM notifications)::int AS n, (SELECT count(*) FROM journeys)::int AS j`);
    await previewMessage(pool, { channel: "push", title: "Hi", body: "{{member.points}}", memberId: 1 });
    expect(await rows(`SELECT (SELECT count(*) FROM notifications)::int AS n, (SELECT count(*) FROM journeys)::int AS j`)).toEqual(before);
  });
});
