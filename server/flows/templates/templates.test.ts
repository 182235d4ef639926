import { describe, it, expect } from "vitest";
import { flowTemplates, templateDefinition } from ".";
import { TIERS } from "@/prisma/seed/data/reference";
import { CATEGORIES } from "@/prisma/seed/data/catalog";
import { validateFlow } from "../validate";
import { flowDefinitionSchema } from "../definition";
import { toCanvas, fromCanvas } from "../canvas";
import { nodeKindSpec } from "../kinds";

describe("flow templates", () => {
  it("have unique ids and bilingual names", () => {
    const ids = flowTemplates.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of flowTemplates) {
      expect(t.name.en).not.toBe("");
      expect(t.name["zh-CN"]).not.toBe("");
      expect(t.description["zh-CN"]).not.toBe("");
    }
  });

  it.each(flowTemplates.map((t) => [t.id, t] as const))("%s validates clean", (_id, t) => {
    expect(validateFlow(templateDefinition(t))).toEqual([]);
    expect(flowDefinitionSchema.safeParse(t.definition).success).toBe(true);
  });

  it.each(flowTemplates.map((t) => [t.id, t] as const))("%s has a position for every node and round-trips the canvas", (_id, t) => {
    expect(Object.keys(t.layout).sort()).toEqual(t.definition.nodes.map((n) => n.id).sort());
    const canvas = toCanvas(t.definition, t.layout);
    expect(fromCanvas(canvas.nodes, canvas.edges, t.definition.settings)).toEqual({ definition: t.definition, layout: t.layout });
  });

  it("win-back loops at most twice: the reminder loop carries visit limits", () => {
    const t = flowTemplates.find((x) => x.id === "win-back-churned");
    const reminder = t?.definition.nodes.find((n) => n.id === "reminder");
    expect(reminder?.visitLimit).toBe(2);
    expect(t?.definition.edges).toContainEqual(expect.objectContaining({ source: "reminder", target: "wait_redeem" }));
    // Without the limits the same flow is refused.
    const stripped = { ...t!.definition, nodes: t!.definition.nodes.map(({ visitLimit: _v, ...n }) => n) };
    expect(validateFlow(stripped).map((i) => [i.code, i.nodeId])).toEqual([
      ["loop_without_visit_limit", "wait_redeem"],
      ["loop_without_visit_limit", "reminder"],
    ]);
  });

  it("the targeted plan splits by region and tier into four branches, all followed up", () => {
    const t = flowTemplates.find((x) => x.id === "targeted-plan")!;
    const split = t.definition.nodes.find((n) => n.kind === "split");
    expect(split?.kind).toBe("split");
    if (split?.kind !== "split") return;
    expect(nodeKindSpec("split").branches(split.config).map((b) => b.id)).toEqual(["east_vip", "east", "vip", "else"]);
    const timeouts = t.definition.edges.filter((e) => e.branch === "timeout");
    expect(timeouts).toHaveLength(4);
    expect(new Set(timeouts.map((e) => e.target))).toEqual(new Set(["retarget"]));
  });

  it("a one-time schedule a template wrote for a date now past moves on by whole weeks, same weekday and local time", () => {
    const plan = flowTemplates.find((t) => t.id === "targeted-plan")!;
    const written = (plan.definition.nodes.find((n) => n.kind === "schedule_trigger")!.config as { schedule: { at: string } }).schedule.at;
    const now = new Date(Date.parse(written) + 40 * 86_400_000);
    const moved = (templateDefinition(plan, { now }).nodes.find((n) => n.kind === "schedule_trigger")!.config as { schedule: { at: string } }).schedule.at;
    const days = (Date.parse(moved) - Date.parse(written)) / 86_400_000;
    expect(days % 7).toBe(0);
    expect(Date.parse(moved)).toBeGreaterThanOrEqual(now.getTime() + 86_400_000);
    expect(Date.parse(moved)).toBeLessThan(now.getTime() + 8 * 86_400_000);
    expect(moved.slice(-6)).toBe(written.slice(-6)); // the same offset, so the same local time
    expect(moved.slice(11, 16)).toBe(written.slice(11, 16));
    expect(validateFlow(templateDefinition(plan, { now }), { now })).toEqual([]);
    expect(validateFlow(plan.definition, { now }).map((i) => i.code)).toContain("schedule_in_past");
  });

  it("the targeted plan's groups test what their names say, with the app's tier names and the catalogue's categories, in the UI's language", () => {
    const plan = flowTemplates.find((t) => t.id === "targeted-plan")!;
    type Rule = { field: string; value: string[] };
    const rules = (tree: { children: unknown[] }) => tree.children as Rule[];
    for (const locale of ["zh-CN", "en"] as const) {
      const split = templateDefinition(plan, { locale }).nodes.find((n) => n.kind === "split")!.config as { groups: { name: string; conditions: { children: unknown[] } }[]; elseName: string };
      for (const group of split.groups) {
        const provinces = rules(group.conditions).find((r) => r.field === "province")?.value ?? [];
        const tiers = rules(group.conditions).find((r) => r.field === "tier")?.value ?? [];
        if (/江浙沪|Jiangsu, Zhejiang, Shanghai/.test(group.name)) expect([...provinces].sort()).toEqual(["上海市", "江苏省", "浙江省"].sort());
        // Every tier a group tests is named in it, as the app names it.
        for (const id of tiers) {
          const tier = TIERS.find((t) => t.id === id)!;
          expect(group.name).toContain(locale === "zh-CN" ? tier.name : tier.nameEn);
        }
      }
      if (locale === "en") expect(split.groups.map((g) => g.name).concat(split.elseName).join(" ")).not.toMatch(/[\u4e00-\u9fff]/);
    }
    const price = plan.definition.nodes.find((n) => n.kind === "member_price")!.config as { list: { target: { categoryIds: number[] } } };
    expect(price.list.target.categoryIds.every((id) => id >= 1 && id <= CATEGORIES.length)).toBe(true);
  });
});
