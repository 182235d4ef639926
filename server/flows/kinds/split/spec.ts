import { z } from "zod";
import { conditionTreeSchema, emptyConditionTree } from "@/server/audiences/condition";
import { defineNodeKind } from "../spec";
import type { BranchSpec } from "../spec";
import { countLabel, firstDuplicate, handleIdSchema, msg } from "../shared";

export const elseBranchId = "else";

const groupSchema = z.object({
  id: handleIdSchema.refine((id) => id !== elseBranchId, {
    error: msg('"else" is reserved for everyone else', "“else” 保留给其余会员"),
  }),
  name: z.string().trim().min(1, { error: msg("Name the group", "请填写分组名称") }),
  conditions: conditionTreeSchema.refine((tree) => tree.children.length > 0, {
    error: msg("Add at least one condition to the group", "请为分组至少添加一个条件"),
  }),
});

const configSchema = z
  .object({
    // Evaluated in order: a member goes to the first group they match, else to "else".
    groups: z
      .array(groupSchema)
      .min(1, { error: msg("Add at least one group", "请至少添加一个分组") })
      .max(20, { error: msg("At most 20 groups", "最多 20 个分组") }),
    elseName: z.string().trim().min(1, { error: msg("Name the remaining members", "请填写其余会员的名称") }),
  })
  .superRefine((c, ctx) => {
    const dup = firstDuplicate(c.groups.map((g) => g.id));
    if (dup !== undefined) {
      const index = c.groups.findLastIndex((g) => g.id === dup);
      ctx.addIssue({
        code: "custom",
        path: ["groups", index, "id"],
        message: msg("Each group needs its own id", "分组 id 不能重复"),
      });
    }
  });
export type SplitConfig = z.infer<typeof configSchema>;

export const split = defineNodeKind({
  kind: "split",
  category: "group",
  label: { en: "Split by conditions", "zh-CN": "条件分组" },
  description: {
    en: "Sends each member down the first group whose conditions they match, or to everyone else.",
    "zh-CN": "会员进入第一个符合条件的分组，都不符合则进入“其余会员”。",
  },
  icon: "Split",
  configSchema,
  defaults: (): SplitConfig => ({
    groups: [{ id: "group-1", name: "Group 1", conditions: emptyConditionTree() }],
    elseName: "Everyone else",
  }),
  branches: (c): BranchSpec[] => [
    ...c.groups.map((g) => ({ id: g.id, label: { en: g.name, "zh-CN": g.name } })),
    { id: elseBranchId, label: { en: c.elseName, "zh-CN": c.elseName } },
  ],
  summary: (c, locale) => countLabel(c.groups.length, "group", "个分组", locale) + (locale === "zh-CN" ? " + 其余" : " + else"),
});
