// PLACEHOLDER — the audiences work replaces this with the full condition language.
// Stable exports: conditionTreeSchema, ConditionTree, ConditionNode, emptyConditionTree.
import { z } from "zod";

export type ConditionRule = { type: "rule"; field: string; operator: string; value?: unknown };
export type ConditionGroup = { type: "group"; op: "and" | "or"; not?: boolean; children: ConditionNode[] };
export type ConditionNode = ConditionRule | ConditionGroup;
export type ConditionTree = ConditionGroup;

export const conditionRuleSchema = z.object({
  type: z.literal("rule"),
  field: z.string().min(1),
  operator: z.string().min(1),
  value: z.unknown().optional(),
});
export const conditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([conditionRuleSchema, conditionGroupSchema]),
) as z.ZodType<ConditionNode>;
export const conditionGroupSchema: z.ZodType<ConditionGroup> = z.object({
  type: z.literal("group"),
  op: z.enum(["and", "or"]),
  not: z.boolean().optional(),
  children: z.array(z.lazy(() => conditionNodeSchema)),
}) as z.ZodType<ConditionGroup>;
export const conditionTreeSchema = conditionGroupSchema;
export const emptyConditionTree = (): ConditionTree => ({ type: "group", op: "and", children: [] });
