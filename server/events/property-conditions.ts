// Conditions on an event's JSON properties ("amount ≥ 199", "channel in [app, mini]"). One schema
// and one meaning for every place that filters events: audience rules ("placed an order where …"),
// event triggers, response waits and flow goals. Pure: safe in the browser.
//
// Meaning (the audience compiler and the reference evaluator implement exactly this):
//   path      dotted object keys, no array indexes;
//   eq / neq  compare JSON scalars exactly (1 = 1.0, "1" ≠ 1);
//   gt …      compare numbers only;
//   in        the property equals one of the listed scalars;
//   contains  a case-sensitive substring test on strings;
//   exists    the key is present (even when null).
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";

export const propertyOperators = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "exists", "not_exists"] as const;
export type PropertyOperator = (typeof propertyOperators)[number];

/** Operators that compare against no value. */
export const valuelessOperators: readonly PropertyOperator[] = ["exists", "not_exists"];
/** Operators whose value is a list. */
export const listOperators: readonly PropertyOperator[] = ["in", "not_in"];

const pathSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}$/, {
  error: msg("Use a property path like amount or items.category", "请使用属性路径，例如 amount 或 items.category"),
});
const scalarSchema = z.union([z.string().max(500), z.number().finite(), z.boolean()], {
  error: msg("Enter a value to compare with", "请输入比较值"),
});

export const propertyConditionSchema = z.discriminatedUnion(
  "operator",
  [
    z.object({ path: pathSchema, operator: z.enum(["eq", "neq"]), value: scalarSchema }),
    z.object({
      path: pathSchema,
      operator: z.enum(["gt", "gte", "lt", "lte"]),
      value: z.number({ error: msg("Compare with a number", "请输入数字") }).finite(),
    }),
    z.object({
      path: pathSchema,
      operator: z.enum(["in", "not_in"]),
      value: z
        .array(scalarSchema, { error: msg("Use a list of values", "请输入值列表") })
        .min(1, { error: msg("Use a list of values", "请输入值列表") })
        .max(1000, { error: msg("At most 1,000 values", "最多 1000 个值") }),
    }),
    z.object({
      path: pathSchema,
      operator: z.literal("contains"),
      value: z.string({ error: msg("Enter the text to look for", "请输入要查找的文字") }).min(1, { error: msg("Enter the text to look for", "请输入要查找的文字") }).max(500),
    }),
    z.object({ path: pathSchema, operator: z.enum(["exists", "not_exists"]) }),
  ],
  { error: msg("Pick an operator", "请选择运算符") },
);
export type PropertyCondition = z.infer<typeof propertyConditionSchema>;

function property(props: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = props;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}
/** Whether an event's properties satisfy one condition (the meaning documented above). */
export function propertyTest(props: unknown, c: PropertyCondition): boolean {
  const { found, value } = property(props, c.path);
  const scalar = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  switch (c.operator) {
    case "exists":
      return found;
    case "not_exists":
      return !found;
    case "eq":
      return found && scalar && value === c.value;
    case "neq":
      return !(found && scalar && value === c.value);
    case "gt":
      return typeof value === "number" && value > c.value;
    case "gte":
      return typeof value === "number" && value >= c.value;
    case "lt":
      return typeof value === "number" && value < c.value;
    case "lte":
      return typeof value === "number" && value <= c.value;
    case "in":
      return scalar && c.value.some((v) => v === value);
    case "not_in":
      return !(scalar && c.value.some((v) => v === value));
    case "contains":
      return typeof value === "string" && value.includes(c.value);
  }
}

/** Whether an event's properties satisfy every condition (an empty list matches). */
export const propertiesMatch = (props: unknown, conditions: readonly PropertyCondition[]): boolean =>
  conditions.every((c) => propertyTest(props, c));
