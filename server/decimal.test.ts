import { describe, expect, it } from "vitest";
import { hasTwoDecimals } from "./decimal";
import { priceRuleSchema } from "./content/price-list-schema";
import { couponTemplateInput } from "./content/coupon-template-schema";
import { nodeKindSpec } from "./flows/kinds";

// The numeric(…, 2) columns round what they store: a value below 0.01 would pass a plain
// "above 0" check and land as 0.00 (for a percent off, breaking the table's CHECK: a 500).
const tiny = 5e-323;

describe("two-decimal amounts", () => {
  it("knows the 0.01 grid", () => {
    expect([0, 0.01, 19.9, 999999.99, 100].every(hasTwoDecimals)).toBe(true);
    expect([0.001, tiny, 1 / 3, Number.NaN, Number.POSITIVE_INFINITY].some(hasTwoDecimals)).toBe(false);
  });

  it("refuses amounts the column would store as 0 in price lists, coupon templates and inline coupons", () => {
    expect(priceRuleSchema.safeParse({ type: "percent_off", percent: tiny }).success).toBe(false);
    expect(priceRuleSchema.safeParse({ type: "fixed", amount: tiny }).success).toBe(false);
    expect(priceRuleSchema.safeParse({ type: "percent_off", percent: 99.995 }).success).toBe(false);
    expect(priceRuleSchema.safeParse({ type: "percent_off", percent: 0.01 }).success).toBe(true);
    expect(priceRuleSchema.safeParse({ type: "fixed", amount: 0.01 }).success).toBe(true);

    const template = { name: "Ten off", type: "amount", value: 10, validity: { kind: "days", days: 7 } };
    expect(couponTemplateInput.safeParse(template).success).toBe(true);
    expect(couponTemplateInput.safeParse({ ...template, value: tiny }).success).toBe(false);

    const inline = { template: { mode: "inline", name: "Ten off", type: "amount", value: 10, minSpend: 0, validDays: 7 } };
    const coupon = nodeKindSpec("issue_coupon").configSchema;
    expect(coupon.safeParse(inline).success).toBe(true);
    expect(coupon.safeParse({ template: { ...inline.template, value: tiny } }).success).toBe(false);
    expect(coupon.safeParse({ template: { ...inline.template, minSpend: tiny } }).success).toBe(false);
  });
});
