// The condition tree — PUBLIC (the editor and the flow definition import it; no server code).
//
// A tree is a group: { type: "group", op: "and" | "or", not?: boolean, children }.
// A leaf is a rule: { type: "rule", field, operator, value } over the field catalog (fields.ts),
// whose value is validated per field and operator, with issues reported at the value's path
// (e.g. ["children", 1, "children", 0, "value", "window", "days"]).
//
// Empty groups: an empty AND group matches everyone, an empty OR group matches nobody (the
// identities of AND and OR); `not` negates the group's result (so NOT of an empty AND = nobody).
import { z } from "zod";
import { getField, getOperatorSpec, operatorIds } from "./fields";

export type ConditionRule = { type: "rule"; field: string; operator: string; value?: unknown };
export type ConditionGroup = { type: "group"; op: "and" | "or"; not?: boolean; children: ConditionNode[] };
export type ConditionNode = ConditionRule | ConditionGroup;
export type ConditionTree = ConditionGroup;

/** Nesting limit: the root group is level 1. */
export const MAX_DEPTH = 5;
export const MAX_CHILDREN = 50;
export const MAX_RULES = 200;

export const conditionRuleSchema = z.object({
  type: z.literal("rule"),
  field: z.string().min(1, { error: "Pick a field" }).max(64),
  operator: z.enum(operatorIds, { error: "Pick an operator" }),
  value: z.unknown().optional(),
});

const groupShape = z.object({
  type: z.literal("group"),
  op: z.enum(["and", "or"]),
  not: z.boolean().optional(),
  children: z.array(z.lazy(() => conditionNodeSchema)).max(MAX_CHILDREN, { error: `At most ${MAX_CHILDREN} conditions in a group` }),
});

export const conditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([conditionRuleSchema, groupShape]),
) as unknown as z.ZodType<ConditionNode>;

type Issue = { path: (string | number)[]; message: string };

/** Field, operator, value, depth and size checks over the whole tree, with full paths. */
export function checkConditionTree(tree: ConditionNode): Issue[] {
  const issues: Issue[] = [];
  let rules = 0;
  const walk = (node: ConditionNode, path: (string | number)[], depth: number) => {
    if (node.type === "group") {
      if (depth > MAX_DEPTH) {
        issues.push({ path, message: `Groups can be nested at most ${MAX_DEPTH} levels deep` });
        return;
      }
      node.children.forEach((c, i) => walk(c, [...path, "children", i], depth + 1));
      return;
    }
    rules++;
    const field = getField(node.field);
    if (!field) {
      issues.push({ path: [...path, "field"], message: `Unknown field "${node.field.slice(0, 64)}"` });
      return;
    }
    const spec = getOperatorSpec(node.field, node.operator);
    if (!spec) {
      issues.push({ path: [...path, "operator"], message: `"${field.label.en}" does not support the operator "${node.operator}"` });
      return;
    }
    const parsed = spec.schema.safeParse(node.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        issues.push({ path: [...path, "value", ...(issue.path as (string | number)[])], message: issue.message });
      }
    }
  };
  walk(tree, [], 1);
  if (rules > MAX_RULES) issues.push({ path: [], message: `At most ${MAX_RULES} conditions in all` });
  return issues;
}

export const conditionGroupSchema = groupShape as unknown as z.ZodType<ConditionGroup>;

export const conditionTreeSchema = groupShape.superRefine((tree, ctx) => {
  for (const issue of checkConditionTree(tree as ConditionGroup)) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
}) as unknown as z.ZodType<ConditionTree>;

export const emptyConditionTree = (): ConditionTree => ({ type: "group", op: "and", children: [] });

/** Convenience constructors (tests, templates, the chart-to-audience path). */
export const rule = (field: string, operator: string, value?: unknown): ConditionRule => ({ type: "rule", field, operator, value });
export const and = (...children: ConditionNode[]): ConditionGroup => ({ type: "group", op: "and", children });
export const or = (...children: ConditionNode[]): ConditionGroup => ({ type: "group", op: "or", children });
export const not = (group: ConditionGroup): ConditionGroup => ({ ...group, not: !group.not });
