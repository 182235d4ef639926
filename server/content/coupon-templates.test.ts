// The coupon template library on a real PostgreSQL: edits never change coupons already issued,
// flows issue the current terms, and the figures agree with independent SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, runnerFor, withTransaction, type Pool } from "@/server/db/sql";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";
import { flowDraft, inlineCoupon, publishDraft } from "@/server/flows/build";
import { publishFlow, saveDraft } from "@/server/flows/service";
import { readWallet } from "@/server/storefront/wallet-items";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { couponTemplateInput, inlineTemplateId } from "./coupon-template-schema";
import { couponFigures, createCouponTemplate, getCouponTemplate, listCouponTemplates, setCouponTemplateArchived, updateCouponTemplate } from "./coupon-templates";

let t: TestDatabase;
let pool: Pool;
const MEMBERS = 40;
const base = { name: "¥20 off ¥199", type: "amount" as const, value: 20, minSpend: 199, validity: { kind: "days" as const, days: 14 } };

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
     SELECT 'M-' || i, '会员' || i, now() - interval '100 days', 'app', 'silver' FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const count = async (text: string, values: unknown[] = []) => Number((await t.pool.query(text, values)).rows[0].n);

/** A flow issuing `templateId` to the members given, run now. */
async function issueTo(flowId: string, memberIds: number[]) {
  const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, memberIds, `test-${Date.now()}-${memberIds[0]}`));
  await runOccurrence(pool, occurrence);
}
async function publishIssuing(templateId: string) {
  const draft = flowDraft(
    [
      { id: "start", kind: "manual_trigger", config: {} },
      { id: "coupon", kind: "issue_coupon", config: { template: { mode: "existing", id: templateId } } },
    ],
    ["start>coupon"],
  );
  return (await publishDraft(t.db, `Issues ${templateId}`, draft)).flowId;
}

describe("the form's rules", () => {
  it("report each mistake on its field", () => {
    const issues = (raw: unknown) => couponTemplateInput.safeParse(raw).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues({ ...base, value: 250 })).toEqual(["value"]); // more off than the minimum spend
    expect(issues({ ...base, type: "percent", value: 100 })).toEqual(["value"]);
    expect(issues({ ...base, maxDiscount: 5 })).toEqual(["maxDiscount"]); // a cap only for percent coupons
    expect(issues({ ...base, validity: { kind: "range", from: "2026-12-10T00:00:00Z", to: "2026-12-01T00:00:00Z" } })).toEqual(["validity.to"]);
    expect(issues({ ...base, codePrefix: "lower" })).toEqual(["codePrefix"]);
    expect(issues({ ...base, name: "  " })).toEqual(["name"]);
    expect(issues(base)).toEqual([]);
  });
});

describe("revisions", () => {
  let templateId: string;
  let flowId: string;

  beforeAll(async () => {
    ({ id: templateId } = await createCouponTemplate(t.db, base));
    flowId = await publishIssuing(templateId);
  });

  it("corrects the terms in place while nothing has been issued", async () => {
    const saved = await updateCouponTemplate(t.db, templateId, { ...base, name: "¥20 off ¥199 (weekend)" });
    expect(saved).toMatchObject({ revision: 1, newRevision: false, changedTerms: ["name"] });
    expect(await count(`SELECT count(*) AS n FROM coupon_template_revisions WHERE template_id = $1`, [templateId])).toBe(1);
    expect((await getCouponTemplate(t.db, templateId)).revisions[0]!.name).toBe("¥20 off ¥199 (weekend)");
  });

  it("keeps issued coupons' terms when an edit makes a new revision, and issues the new terms from then on", async () => {
    await issueTo(flowId, [1, 2, 3]);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE template_id = $1 AND template_revision = 1`, [templateId])).toBe(3);

    const saved = await updateCouponTemplate(t.db, templateId, { ...base, name: "¥30 off ¥199", value: 30 });
    expect(saved).toMatchObject({ revision: 2, newRevision: true });
    expect(saved.changedTerms.sort()).toEqual(["name", "value"]);

    // A member who already holds one sees the terms it was issued with.
    const before = await readWallet(runnerFor(pool), "M-1", undefined, new Date());
    expect(before.coupons.map((c) => [c.name, c.value])).toEqual([["¥20 off ¥199 (weekend)", 20]]);

    await issueTo(flowId, [4, 5]);
    const rows = (await t.pool.query(`SELECT m.external_id, c.template_revision FROM coupons c JOIN members m ON m.id = c.member_id WHERE c.template_id = $1 ORDER BY m.id`, [templateId])).rows;
    expect(rows.map((r) => [r.external_id, r.template_revision])).toEqual([["M-1", 1], ["M-2", 1], ["M-3", 1], ["M-4", 2], ["M-5", 2]]);
    const after = await readWallet(runnerFor(pool), "M-4", undefined, new Date());
    expect(after.coupons.map((c) => [c.name, c.value])).toEqual([["¥30 off ¥199", 30]]);
  });

  it("changes only the template for edits that do not touch the terms (stock, validity, prefix)", async () => {
    const saved = await updateCouponTemplate(t.db, templateId, { ...base, name: "¥30 off ¥199", value: 30, totalLimit: 1000, codePrefix: "WK-", validity: { kind: "days", days: 3 } });
    expect(saved).toMatchObject({ revision: 2, newRevision: false, changedTerms: [] });
    await issueTo(flowId, [6]);
    const [row] = (await t.pool.query(`SELECT code, template_revision, valid_to - valid_from AS span FROM coupons c WHERE template_id = $1 AND member_id = 6`, [templateId])).rows;
    expect(row.code).toMatch(/^WK-/);
    expect(row.template_revision).toBe(2);
    expect(row.span.days).toBe(3);
  });

  it("archived, it leaves the library's default list but flows that use it keep issuing it", async () => {
    await setCouponTemplateArchived(t.db, templateId, true);
    expect((await listCouponTemplates(t.db)).some((x) => x.id === templateId)).toBe(false);
    expect((await listCouponTemplates(t.db, { archived: true })).find((x) => x.id === templateId)?.archivedAt).not.toBeNull();
    await issueTo(flowId, [7]);
    expect(await count(`SELECT count(*) AS n FROM coupons WHERE template_id = $1 AND member_id = 7`, [templateId])).toBe(1);
    await setCouponTemplateArchived(t.db, templateId, false);
  });

  it("lists the flows that use it", async () => {
    const listed = (await listCouponTemplates(t.db)).find((x) => x.id === templateId)!;
    expect(listed.flows.map((f) => f.id)).toEqual([flowId]);
  });
});

describe("a flow's inline coupon", () => {
  it("lives in the library from publish, and a republished change of its terms is a new revision members then get", async () => {
    const draft = (value: number) =>
      flowDraft(
        [
          { id: "start", kind: "manual_trigger", config: {} },
          { id: "gift", kind: "issue_coupon", config: inlineCoupon(value, 10) },
        ],
        ["start>gift"],
      );
    const { flowId } = await publishDraft(t.db, "Inline gift", draft(15));
    const id = inlineTemplateId(flowId, "gift");
    const listed = (await listCouponTemplates(t.db)).find((x) => x.id === id);
    expect(listed).toMatchObject({ name: "¥15 off", value: 15, revision: 1, sourceFlowId: flowId, validity: { kind: "days", days: 10 } });
    expect(listed!.flows.map((f) => f.id)).toEqual([flowId]);

    await issueTo(flowId, [30, 31]);
    await saveDraft(t.db, { id: flowId, draft: draft(25), layout: {} });
    await publishFlow(t.db, { id: flowId });
    expect((await getCouponTemplate(t.db, id)).revision).toBe(2);
    await issueTo(flowId, [32]);
    const values = (await t.pool.query(`SELECT c.member_id, r.value::float8 AS value FROM coupons c JOIN coupon_template_revisions r ON r.template_id = c.template_id AND r.revision = c.template_revision WHERE c.template_id = $1 ORDER BY c.member_id`, [id])).rows;
    expect(values.map((r) => [r.member_id, r.value])).toEqual([[30, 15], [31, 15], [32, 25]]);
  });

  it("takes the terms its node describes from the flow: the library refuses editing them, and edits the rest", async () => {
    const { flowId } = await publishDraft(
      t.db,
      "Inline gift kept in the flow",
      flowDraft(
        [
          { id: "start", kind: "manual_trigger", config: {} },
          { id: "gift", kind: "issue_coupon", config: inlineCoupon(12, 5) },
        ],
        ["start>gift"],
      ),
    );
    const id = inlineTemplateId(flowId, "gift");
    const current = await getCouponTemplate(t.db, id);
    const asForm = { name: current.name, type: current.type, value: current.value, minSpend: current.minSpend, validity: { kind: "days" as const, days: 5 } };
    await expect(updateCouponTemplate(t.db, id, { ...asForm, value: 30 })).rejects.toMatchObject({ code: "invalid", details: { field: "value", sourceFlowId: flowId } });
    await expect(updateCouponTemplate(t.db, id, { ...asForm, validity: { kind: "days", days: 9 } })).rejects.toMatchObject({ details: { field: "validity" } });
    // Stock, per-member cap and scope are not on the node: the library sets them.
    await updateCouponTemplate(t.db, id, { ...asForm, totalLimit: 500, perMemberMax: 2 });
    expect(await getCouponTemplate(t.db, id)).toMatchObject({ value: 12, totalLimit: 500, perMemberMax: 2 });
  });
});

describe("figures", () => {
  it("agree with independent SQL: issued, redeemed, expired, active, liability", async () => {
    const { id: percentId } = await createCouponTemplate(t.db, { name: "15% off, at most ¥40", type: "percent", value: 15, maxDiscount: 40, minSpend: 0, validity: { kind: "days", days: 30 } });
    const { id: uncappedId } = await createCouponTemplate(t.db, { name: "10% off", type: "percent", value: 10, minSpend: 0, validity: { kind: "days", days: 30 } });
    await issueTo(await publishIssuing(percentId), Array.from({ length: 20 }, (_, i) => i + 1));
    await issueTo(await publishIssuing(uncappedId), [1, 2]);
    // Some redeemed, some expired by status, some past their end while still "issued".
    await t.pool.query(`UPDATE coupons SET status = 'redeemed', redeemed_at = now() WHERE template_id = $1 AND member_id <= 5`, [percentId]);
    await t.pool.query(`UPDATE coupons SET status = 'expired' WHERE template_id = $1 AND member_id BETWEEN 6 AND 7`, [percentId]);
    await t.pool.query(`UPDATE coupons SET valid_to = now() - interval '1 hour' WHERE template_id = $1 AND member_id BETWEEN 8 AND 10`, [percentId]);

    const figures = await couponFigures(t.db);
    for (const id of [percentId, uncappedId]) {
      const independent = (
        await t.pool.query(
          `SELECT count(*)::int AS issued, sum((status = 'redeemed')::int)::int AS redeemed,
                  sum((status = 'expired' OR (status = 'issued' AND valid_to <= now()))::int)::int AS expired,
                  sum((status = 'issued' AND valid_to > now())::int)::int AS active
           FROM coupons WHERE template_id = $1`,
          [id],
        )
      ).rows[0];
      expect(figures.get(id)).toMatchObject(independent);
    }
    expect(figures.get(percentId)).toMatchObject({ issued: 20, redeemed: 5, expired: 5, active: 10, liability: 400, uncappedActive: 0, redemptionRate: 0.25 });
    expect(figures.get(uncappedId)).toMatchObject({ liability: 0, uncappedActive: 2 });
  });
});
