import { describe, expect, it } from "vitest";
import { propertyConditionSchema } from "./property-conditions";
import { nodeKindSpec } from "@/server/flows/kinds";
import { eventValueSchema } from "@/server/audiences/fields";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";

const issueAt = (value: unknown) => {
  const result = propertyConditionSchema.safeParse(value);
  return result.success ? null : { path: result.error.issues[0]!.path, message: result.error.issues[0]!.message };
};

describe("event property conditions", () => {
  it("accepts each operator with the value it compares against", () => {
    for (const ok of [
      { path: "amount", operator: "gte", value: 199 },
      { path: "channel", operator: "eq", value: "app" },
      { path: "first", operator: "neq", value: true },
      { path: "items.category", operator: "in", value: ["tea", 3] },
      { path: "note", operator: "contains", value: "gift" },
      { path: "coupon", operator: "exists" },
    ]) {
      expect(issueAt(ok), JSON.stringify(ok)).toBeNull();
    }
  });

  it("names the field at fault, in both languages", () => {
    expect(issueAt({ path: "amount", operator: "gt", value: "199" })).toEqual({ path: ["value"], message: "Compare with a number" });
    expect(issueAt({ path: "tags", operator: "in", value: [] })).toEqual({ path: ["value"], message: "Use a list of values" });
    expect(issueAt({ path: "2bad", operator: "eq", value: 1 })?.path).toEqual(["path"]);
    expect(issueAt({ path: "a", operator: "eq" })?.message).toBe("Enter a value to compare with");
    expect(localizeSchemaMessage("Compare with a number")["zh-CN"]).toBe("请输入数字");
  });

  it("is the same rule for audience event filters and for flows' event triggers", () => {
    const bad = { path: "amount", operator: "gt", value: "a lot" };
    const trigger = nodeKindSpec("event_trigger").configSchema.safeParse({ event: "order.placed", conditions: [bad] });
    const audience = eventValueSchema.safeParse({ name: "order.placed", window: { kind: "last_days", days: 30 }, where: [bad] });
    expect(trigger.success).toBe(false);
    expect(audience.success).toBe(false);
    const good = { ...bad, value: 100 };
    expect(nodeKindSpec("event_trigger").configSchema.safeParse({ event: "order.placed", conditions: [good] }).success).toBe(true);
    expect(eventValueSchema.safeParse({ name: "order.placed", window: { kind: "last_days", days: 30 }, where: [good] }).success).toBe(true);
  });
});
