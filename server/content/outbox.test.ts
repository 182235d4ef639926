// The outbox on a real PostgreSQL: filters and counts against independent SQL, keyset pages that
// cover every row once newest first, bounded counts, and each message as the member saw it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";
import { deliverOutbox } from "@/server/engine/messaging/deliver";
import { localProvider } from "@/server/engine/messaging/providers";
import { renderTemplate } from "@/server/engine/messaging/render";
import { flowDraft, publishDraft, sms } from "@/server/flows/build";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { inlineMessageTemplateId } from "./message-template-schema";
import { syncInlineMessageTemplates } from "./message-templates";
import { COUNT_CAP, outboxCounts, outboxFlows, outboxMessage, outboxPage } from "./outbox";

let t: TestDatabase;
let pool: Pool;
let flowA: string;
let flowB: string;
const providers = { sms: localProvider, email: localProvider, push: localProvider, in_app: localProvider, webhook: localProvider };

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, phone, consent_sms, registered_at, registration_channel, tier_id, points_balance)
     SELECT 'M-' || i, '会员' || i, '139' || lpad(i::text, 8, '0'), i % 4 <> 0, now() - interval '30 days', 'app', 'silver', i
     FROM generate_series(1, 40) i`,
  );
  // Two real flows write messages the way the engine does.
  const draft = (body: string) => flowDraft([{ id: "start", kind: "manual_trigger", config: {} }, { id: "msg", kind: "send_notification", config: sms(body) }], ["start>msg"]);
  flowA = (await publishDraft(t.db, "Flow A", draft("A: {{member.name}} 有 {{member.points}} 积分"))).flowId;
  flowB = (await publishDraft(t.db, "Flow B", draft("B: {{member.name}}"))).flowId;
  for (const [flowId, members] of [[flowA, Array.from({ length: 20 }, (_, i) => i + 1)], [flowB, Array.from({ length: 20 }, (_, i) => i + 11)]] as const) {
    const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, [...members], `run-${flowId}`));
    await runOccurrence(pool, occurrence);
  }
  await withTransaction(pool, (tx) => syncInlineMessageTemplates(tx, flowA, [{ nodeId: "msg", channel: "sms", title: "", body: "A: {{member.name}} 有 {{member.points}} 积分" }]));
  // Some sent, one failed, one still queued; plus other channels written directly.
  await deliverOutbox(pool, { providers, limit: 10 });
  await t.pool.query(`UPDATE notifications SET status = 'failed', attempts = 5, error = 'HTTP 503', provider = 'sms-gw' WHERE id = (SELECT min(id) FROM notifications WHERE status = 'queued')`);
  await t.pool.query(
    `INSERT INTO notifications (member_id, channel, title, body, status, variables, created_at)
     SELECT (i % 40) + 1, (ARRAY['email','push','in_app']::"Channel"[])[(i % 3) + 1], 'Hi {{member.name}}', 'Body ' || i, 'queued', jsonb_build_object('member.name', 'N' || i), now() - make_interval(mins => i)
     FROM generate_series(1, 90) i`,
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const ids = async (where: string, values: unknown[] = []) => (await t.pool.query(`SELECT id::int FROM notifications n ${where} ORDER BY id DESC`, values)).rows.map((r) => r.id);

/** Every page of a filter, following `nextBefore`. */
async function allPages(filter: Record<string, unknown>, pageSize = 7) {
  const seen: number[] = [];
  let before: number | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await outboxPage(t.db, { ...filter, pageSize, ...(before ? { before } : {}) });
    seen.push(...page.rows.map((r) => r.id));
    if (page.nextBefore === null) return seen;
    before = page.nextBefore;
  }
  throw new Error("too many pages");
}

describe("the outbox", () => {
  it("pages through every message once, newest first", async () => {
    expect(await allPages({})).toEqual(await ids(""));
    expect(await allPages({}, 100)).toEqual(await ids(""));
  });

  it("filters by member, flow, channel, status and reason, as independent SQL says", async () => {
    const cases: [Record<string, unknown>, string, unknown[]][] = [
      [{ memberId: 12 }, "WHERE member_id = $1", [12]],
      [{ flowId: flowB }, "WHERE flow_id = $1", [flowB]],
      [{ channel: "push" }, "WHERE channel = 'push'", []],
      [{ status: "sent" }, "WHERE status = 'sent'", []],
      [{ status: "suppressed", reason: "no_consent" }, "WHERE status = 'suppressed' AND suppressed_reason = 'no_consent'", []],
      [{ flowId: flowA, status: "queued", channel: "sms" }, "WHERE flow_id = $1 AND status = 'queued' AND channel = 'sms'", [flowA]],
      [{ memberId: 16, flowId: flowB }, "WHERE member_id = 16 AND flow_id = $1", [flowB]],
      [{ templateId: inlineMessageTemplateId(flowA, "msg") }, "WHERE flow_id = $1 AND node_id = 'msg'", [flowA]],
    ];
    for (const [filter, where, values] of cases) {
      const expected = await ids(where, values);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(await allPages(filter, 4), JSON.stringify(filter)).toEqual(expected);
    }
    expect((await outboxPage(t.db, { memberId: 2_000_000 })).rows).toEqual([]);
  });

  it("counts each status under the filter, as independent SQL says", async () => {
    for (const filter of [{}, { flowId: flowA }, { channel: "sms" as const, memberId: 12 }, { status: "suppressed" as const }]) {
      const { statuses, reasons } = await outboxCounts(t.db, filter);
      const extra = [
        "flowId" in filter ? `AND flow_id = '${filter.flowId}'` : "",
        "channel" in filter ? `AND channel = 'sms' AND member_id = 12` : "",
      ].join(" ");
      const independent = (await t.pool.query(`SELECT status::text AS status, count(*)::int AS n FROM notifications WHERE TRUE ${extra} GROUP BY 1`)).rows;
      for (const s of statuses) expect(s.count, `${JSON.stringify(filter)} ${s.status}`).toBe(independent.find((r) => r.status === s.status)?.n ?? 0);
      if (filter.status === "suppressed") {
        const [r] = (await t.pool.query(`SELECT count(*)::int AS n FROM notifications WHERE status = 'suppressed' AND suppressed_reason = 'no_consent'`)).rows;
        expect(reasons.find((x) => x.reason === "no_consent")?.count).toBe(r.n);
        expect(r.n).toBeGreaterThan(0);
      } else expect(reasons).toEqual([]);
    }
    const all = await outboxCounts(t.db, {});
    expect(all.statuses.map((s) => s.status)).toEqual(["queued", "deferred", "sent", "failed", "suppressed"]);
    expect(all.statuses.find((s) => s.status === "failed")).toMatchObject({ count: 1, capped: false });
  });

  it("stops counting at the cap", async () => {
    await t.pool.query(
      `INSERT INTO notifications (member_id, channel, body, status, created_at) SELECT 1, 'webhook', '{}', 'deferred', now() - interval '10 days' FROM generate_series(1, $1::int)`,
      [COUNT_CAP + 5],
    );
    const { statuses } = await outboxCounts(t.db, { channel: "webhook" });
    expect(statuses.find((s) => s.status === "deferred")).toMatchObject({ count: COUNT_CAP, capped: true });
    await t.pool.query(`DELETE FROM notifications WHERE channel = 'webhook'`);
  });

  it("shows each message as the member saw it, with its delivery and where it came from", async () => {
    const [sent] = (await t.pool.query(`SELECT id::int, body FROM notifications WHERE status = 'sent' AND flow_id = $1 LIMIT 1`, [flowA])).rows;
    const shown = await outboxMessage(t.db, sent.id);
    expect(shown).toMatchObject({ status: "sent", body: sent.body, renderedHere: false, provider: "local", attempts: 1, flow: { id: flowA, name: "Flow A", nodeId: "msg" } });
    expect(shown.body).toMatch(/^A: 会员\d+ 有 \d+ 积分$/);

    // Not sent yet: the stored template rendered with the row's own values, the way the sender will.
    const [queued] = (await t.pool.query(`SELECT id::int, member_id, body, variables FROM notifications WHERE status = 'queued' AND flow_id = $1 LIMIT 1`, [flowA])).rows;
    expect(queued.body).toContain("{{member.name}}");
    const item = await outboxMessage(t.db, queued.id);
    expect(item).toMatchObject({ status: "queued", renderedHere: true, body: renderTemplate(queued.body, queued.variables), member: { id: queued.member_id } });
    expect(item.body).toBe(`A: 会员${queued.member_id} 有 ${queued.member_id} 积分`);

    const [suppressed] = (await t.pool.query(`SELECT id::int FROM notifications WHERE status = 'suppressed' LIMIT 1`)).rows;
    expect(await outboxMessage(t.db, suppressed.id)).toMatchObject({ suppressedReason: "no_consent", status: "suppressed" });
    const [failed] = (await t.pool.query(`SELECT id::int FROM notifications WHERE status = 'failed'`)).rows;
    expect(await outboxMessage(t.db, failed.id)).toMatchObject({ error: "HTTP 503", attempts: 5, provider: "sms-gw" });

    // The list shows the same text.
    const row = (await outboxPage(t.db, { memberId: queued.member_id, flowId: flowA })).rows[0]!;
    expect(row.body).toBe(item.body);
    await expect(outboxMessage(t.db, 9_999_999)).rejects.toMatchObject({ code: "not_found" });
  });

  it("offers the flows that send messages as filters", async () => {
    expect((await outboxFlows(t.db)).map((f) => f.name)).toEqual(["Flow A", "Flow B"]);
  });
});
