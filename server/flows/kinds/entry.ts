// Who enters a flow on a schedule or by hand: a saved audience, or conditions written in place.
import { z } from "zod";
import { conditionTreeSchema, emptyConditionTree } from "@/server/audiences/condition";
import { msg, requiredId } from "./shared";
import type { Locale, ReferenceNames } from "./spec";

export const entryAudienceSchema = z.discriminatedUnion(
  "mode",
  [
    // Every member, said explicitly (an empty condition list is refused: too easy by accident).
    z.object({ mode: z.literal("all") }),
    z.object({ mode: z.literal("audience"), audienceId: requiredId({ en: "audience", "zh-CN": "人群" }) }),
    z.object({
      mode: z.literal("conditions"),
      // An empty tree would mean "every member": too easy to do by accident, so we refuse it.
      conditions: conditionTreeSchema.refine((tree) => tree.children.length > 0, {
        error: msg("Add at least one condition, or pick a saved audience", "请至少添加一个条件，或选择已保存的人群"),
      }),
    }),
  ],
  { error: msg("Choose a saved audience or write conditions", "请选择已保存的人群或填写条件") },
);
export type EntryAudience = z.infer<typeof entryAudienceSchema>;

export const defaultEntry = (): EntryAudience => ({ mode: "conditions", conditions: emptyConditionTree() });

export const entryReferences = (entry: EntryAudience): string[] =>
  entry.mode === "audience" ? [entry.audienceId] : [];

export function entrySummary(entry: EntryAudience, locale: Locale, names?: ReferenceNames): string {
  if (entry.mode === "all") return locale === "zh-CN" ? "全部会员" : "all members";
  if (entry.mode === "audience") return names?.audience(entry.audienceId) ?? (locale === "zh-CN" ? "已保存人群" : "saved audience");
  const n = entry.conditions.children.length;
  return locale === "zh-CN" ? `${n} 个条件` : `${n} condition${n === 1 ? "" : "s"}`;
}
