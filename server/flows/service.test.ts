import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { flowTemplates } from "./templates";
import type { FlowDraft } from "./definition";
import {
  compareVersions,
  createFlow,
  createFlowFromTemplate,
  duplicateFlow,
  exportFlow,
  FlowError,
  flowsUsingAudience,
  getFlow,
  importFlow,
  listFlows,
  publishFlow,
  revertDraft,
  saveDraft,
  setFlowStatus,
} from "./service";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const winBack = () => {
  const template = flowTemplates.find((x) => x.id === "win-back-churned");
  if (!template) throw new Error("win-back template missing");
  return { ...template, definition: structuredClone(template.definition), layout: structuredClone(template.layout) };
};

async function expectFlowError(promise: Promise<unknown>, code: string): Promise<FlowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlowError);
  expect((error as FlowError).code).toBe(code);
  return error as FlowError;
}

describe("flow drafts and versions", () => {
  it("publishes a template as version 1 and keeps versions immutable across edits", async () => {
    const template = winBack();
    const flow = await createFlow(t.db, { name: "Win back", definition: template.definition, layout: template.layout });
    const opened = await getFlow(t.db, flow.id);
    expect(opened.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(opened.unpublishedChanges).toBe(true);

    const v1 = await publishFlow(t.db, { id: flow.id, note: "first" });
    expect(v1.version).toBe(1);
    const afterPublish = await getFlow(t.db, flow.id);
    expect(afterPublish.status).toBe("active");
    expect(afterPublish.unpublishedChanges).toBe(false);
    // Publishing the same draft again would only make an identical version: refused, nothing written.
    const again = await expectFlowError(publishFlow(t.db, { id: flow.id }), "conflict");
    expect(again.message).toContain("Nothing changed since v1");
    expect(await t.db.flowVersion.count({ where: { flowId: flow.id } })).toBe(1);

    // Rename a node in the draft: version 1 must not change.
    const edited: FlowDraft = structuredClone(afterPublish.draft);
    edited.nodes[0]!.name = "Renamed entry";
    await saveDraft(t.db, { id: flow.id, draft: edited, layout: afterPublish.layout, baseUpdatedAt: afterPublish.draftUpdatedAt });
    const v2 = await publishFlow(t.db, { id: flow.id });
    expect(v2.version).toBe(2);

    const stored = await t.db.flowVersion.findUniqueOrThrow({ where: { id: v1.versionId } });
    expect((stored.definition as FlowDraft).nodes[0]!.name).toBe(template.definition.nodes[0]!.name);

    const diff = await compareVersions(t.db, { flowId: flow.id, from: v1.versionId, to: v2.versionId });
    expect(diff.changed.map((c) => c.nodeId)).toEqual([edited.nodes[0]!.id]);
    expect(diff.added).toEqual([]);
    expect(diff.nodes[edited.nodes[0]!.id]).toMatchObject({ kind: edited.nodes[0]!.kind, name: "Renamed entry" });
    // Both sides of a changed node, so the view can say what it was and what it became.
    expect(diff.changes[edited.nodes[0]!.id]!.before.name).toBe(template.definition.nodes[0]!.name);
    expect(diff.changes[edited.nodes[0]!.id]!.after.name).toBe("Renamed entry");

    await revertDraft(t.db, { flowId: flow.id, versionId: v1.versionId });
    const reverted = await getFlow(t.db, flow.id);
    expect(reverted.draft.nodes[0]!.name).toBe(template.definition.nodes[0]!.name);
    expect(reverted.unpublishedChanges).toBe(true); // differs from the latest version (2)
  });

  it("audits edits once per person and flow per 10 minutes of autosave, not once per save", async () => {
    const template = winBack();
    const flow = await createFlow(t.db, { name: "Edited", definition: template.definition, layout: template.layout });
    for (let i = 0; i < 3; i++) await saveDraft(t.db, { id: flow.id, draft: template.definition, layout: template.layout }, { actor: "mark@example.com" });
    await saveDraft(t.db, { id: flow.id, draft: template.definition, layout: template.layout }, { actor: "ada@example.com" });
    const edits = await t.db.auditLog.findMany({ where: { entityId: flow.id, action: "flow.edit" }, select: { actor: true }, orderBy: { id: "asc" } });
    expect(edits.map((e) => e.actor)).toEqual(["mark@example.com", "ada@example.com"]);
    // A refused save (someone else's newer draft) writes no entry.
    await expect(saveDraft(t.db, { id: flow.id, draft: template.definition, layout: template.layout, baseUpdatedAt: new Date(0) }, { actor: "eve@example.com" })).rejects.toMatchObject({ code: "conflict" });
    expect(await t.db.auditLog.count({ where: { entityId: flow.id, actor: "eve@example.com" } })).toBe(0);
  });

  it("refuses to publish a broken flow, naming the node, and writes no version", async () => {
    const template = winBack();
    const flow = await createFlow(t.db, { name: "Broken", definition: template.definition, layout: template.layout });
    const broken: FlowDraft = structuredClone(template.definition);
    const target = broken.edges[0]!.target;
    broken.edges = broken.edges.filter((e) => e.target !== target); // orphan a node
    await saveDraft(t.db, { id: flow.id, draft: broken, layout: template.layout });

    const error = await expectFlowError(publishFlow(t.db, { id: flow.id }), "invalid");
    expect(error.issues.some((i) => i.code === "unreachable_node" && i.nodeId === target)).toBe(true);
    expect(await t.db.flowVersion.count({ where: { flowId: flow.id } })).toBe(0);
  });

  it("refuses a save on top of a newer save (no silent overwrite)", async () => {
    const flow = await createFlow(t.db, { name: "Concurrent" });
    const opened = await getFlow(t.db, flow.id);
    await saveDraft(t.db, { id: flow.id, draft: opened.draft, layout: {}, baseUpdatedAt: opened.draftUpdatedAt });
    await expectFlowError(saveDraft(t.db, { id: flow.id, draft: opened.draft, layout: {}, baseUpdatedAt: opened.draftUpdatedAt }), "conflict");
  });

  it("flags references to coupon templates that do not exist", async () => {
    const template = winBack();
    const def: FlowDraft = structuredClone(template.definition);
    const coupon = def.nodes.find((n) => n.kind === "issue_coupon")!;
    coupon.config = { ...(coupon.config as object), template: { mode: "existing", id: "no-such-template" } };
    const flow = await createFlow(t.db, { name: "Missing ref", definition: def, layout: template.layout });
    const opened = await getFlow(t.db, flow.id);
    expect(opened.issues.some((i) => i.code === "missing_reference" && i.nodeId === coupon.id)).toBe(true);
  });

  it("keeps a flow publishable when a template it uses is archived, with a warning", async () => {
    const template = winBack();
    const def: FlowDraft = structuredClone(template.definition);
    const coupon = def.nodes.find((n) => n.kind === "issue_coupon")!;
    const row = await t.db.couponTemplate.create({ data: { name: "Old ¥20", type: "amount", value: 20, validDays: 14 } });
    coupon.config = { ...(coupon.config as object), template: { mode: "existing", id: row.id } };
    const flow = await createFlow(t.db, { name: "Archived ref", definition: def, layout: template.layout });
    expect((await getFlow(t.db, flow.id)).issues.filter((i) => i.nodeId === coupon.id)).toEqual([]);

    await t.db.couponTemplate.update({ where: { id: row.id }, data: { archivedAt: new Date() } });
    const opened = await getFlow(t.db, flow.id);
    const mine = opened.issues.filter((i) => i.nodeId === coupon.id);
    expect(mine.map((i) => [i.code, i.severity])).toEqual([["archived_reference", "warning"]]);
    expect((await publishFlow(t.db, { id: flow.id })).version).toBe(1);
  });

  it("lists the flows that use an audience, draft or live, leaving out archived flows", async () => {
    const audience = await t.db.audience.create({ data: { name: "East VIPs", kind: "static" } });
    const using = (name: string) =>
      createFlow(t.db, {
        name,
        definition: {
          nodes: [
            { id: "enter", kind: "audience_trigger", config: { audienceId: audience.id } },
            { id: "done", kind: "exit", config: {} },
          ],
          edges: [{ id: "e1", source: "enter", branch: "out", target: "done" }],
          settings: winBack().definition.settings,
        },
      });
    const a = await using("Uses it");
    const gone = await using("Archived user");
    await setFlowStatus(t.db, { id: gone.id, status: "archived" });
    const other = winBack();
    await createFlow(t.db, { name: "Does not", definition: other.definition, layout: other.layout });
    expect((await flowsUsingAudience(t.db, audience.id)).map((f) => f.name)).toEqual([a.name]);
    expect(await flowsUsingAudience(t.db, "no-such-audience")).toEqual([]);
  });

  it("moves through pause, resume and archive, and refuses what makes no sense", async () => {
    const template = winBack();
    const flow = await createFlow(t.db, { name: "Lifecycle", definition: template.definition, layout: template.layout });
    await expectFlowError(setFlowStatus(t.db, { id: flow.id, status: "paused" }), "conflict"); // never published
    await publishFlow(t.db, { id: flow.id });
    expect((await setFlowStatus(t.db, { id: flow.id, status: "paused" })).status).toBe("paused");
    expect((await setFlowStatus(t.db, { id: flow.id, status: "active" })).status).toBe("active");
    expect((await setFlowStatus(t.db, { id: flow.id, status: "archived" })).status).toBe("archived");
    await expectFlowError(saveDraft(t.db, { id: flow.id, draft: template.definition, layout: {} }), "archived");
    expect((await listFlows(t.db)).some((f) => f.id === flow.id)).toBe(false);
    const audit = await t.db.auditLog.findMany({ where: { entityId: flow.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["flow.create", "flow.publish", "flow.pause", "flow.resume", "flow.archive"]);
  });

  it("duplicates, exports and imports a flow without loss", async () => {
    const template = winBack();
    const flow = await createFlow(t.db, { name: "Portable", definition: template.definition, layout: template.layout });
    const copy = await duplicateFlow(t.db, flow.id);
    expect(copy.name).toBe("Portable (copy)");

    const file = await exportFlow(t.db, flow.id);
    const imported = await importFlow(t.db, JSON.parse(JSON.stringify(file)), { publish: true });
    expect(imported.published?.version).toBe(1);
    const reopened = await exportFlow(t.db, imported.flow.id);
    expect(reopened.definition).toEqual(file.definition);
    expect(reopened.layout).toEqual(file.layout);
  });

  it("rejects a file that is not a flow and keeps nothing of a failed publish-on-import", async () => {
    await expectFlowError(importFlow(t.db, { format: "something-else" }), "invalid");
    const before = await t.db.flow.count();
    const broken = winBack();
    broken.definition.edges = [];
    await expectFlowError(
      importFlow(t.db, { format: "memberflow.flow", formatVersion: 1, name: "Half", definition: broken.definition }, { publish: true }),
      "invalid",
    );
    expect(await t.db.flow.count()).toBe(before);
  });
});

describe("a flow from a template", () => {
  it("comes in the marketer's language and keeps only categories this catalogue has", async () => {
    const [food] = (await t.pool.query(`INSERT INTO product_categories (id, name, name_en) VALUES (4, '食品饮料', 'Food & Beverage') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id`)).rows;
    const inEnglish = await createFlowFromTemplate(t.db, { name: "Plan (en)", templateId: "targeted-plan", locale: "en" });
    const draft = (await getFlow(t.db, inEnglish.id)).draft as FlowDraft;
    const split = draft.nodes.find((n) => n.kind === "split")!.config as { groups: { name: string }[]; elseName: string };
    expect(split.elseName).toBe("Everyone else");
    expect(split.groups[0]!.name).toBe("Jiangsu, Zhejiang, Shanghai · Gold/Platinum");
    const price = () => draft.nodes.find((n) => n.kind === "member_price")!.config as { list: { target: { categoryIds: number[] } } };
    expect(price().list.target.categoryIds).toEqual([food.id]);

    // Without that category the node is left for the marketer to pick one (the validator says so).
    await t.pool.query(`DELETE FROM product_categories WHERE id = 4`);
    const elsewhere = await createFlowFromTemplate(t.db, { name: "Plan (zh)", templateId: "targeted-plan", locale: "zh-CN" });
    const zh = (await getFlow(t.db, elsewhere.id)).draft as FlowDraft;
    expect((zh.nodes.find((n) => n.kind === "split")!.config as { elseName: string }).elseName).toBe("其余会员");
    expect((zh.nodes.find((n) => n.kind === "member_price")!.config as { list: { target: { categoryIds: number[] } } }).list.target.categoryIds).toEqual([]);
    await expect(createFlowFromTemplate(t.db, { name: "x", templateId: "no-such" })).rejects.toMatchObject({ code: "not_found" });
  });
});
