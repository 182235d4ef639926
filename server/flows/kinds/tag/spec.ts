import { z } from "zod";
import { defineNodeKind } from "../spec";
import { firstDuplicate, msg } from "../shared";

const configSchema = z.object({
  action: z.enum(["add", "remove"], { error: msg("Pick add or remove", "请选择添加或移除") }),
  tags: z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: msg("A tag cannot be empty", "标签不能为空") })
        .max(40, { error: msg("At most 40 characters", "最多 40 个字符") }),
    )
    .min(1, { error: msg("Add at least one tag", "请至少添加一个标签") })
    .max(20, { error: msg("At most 20 tags", "最多 20 个标签") })
    .refine((tags) => firstDuplicate(tags) === undefined, { error: msg("Each tag only once", "标签不能重复") }),
});
export type TagConfig = z.infer<typeof configSchema>;

export const tag = defineNodeKind({
  kind: "tag",
  category: "action",
  label: { en: "Add / remove tags", "zh-CN": "添加 / 移除标签" },
  description: { en: "Adds tags to or removes tags from each member.", "zh-CN": "为会员添加或移除标签。" },
  icon: "Tags",
  configSchema,
  defaults: (): TagConfig => ({ action: "add", tags: [] }),
  summary: (c, locale) =>
    `${c.action === "add" ? (locale === "zh-CN" ? "添加" : "Add") : locale === "zh-CN" ? "移除" : "Remove"} ${c.tags.join(", ")}`,
});
