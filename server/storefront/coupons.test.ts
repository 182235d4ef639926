import { describe, expect, it } from "vitest";
import { couponDecision, type PricedItem } from "./coupon-rule";

const now = new Date("2026-12-03T08:00:00Z");
const day = 86_400_000;
const coupon = (over: Partial<Parameters<typeof couponDecision>[0]> = {}): Parameters<typeof couponDecision>[0] => ({
  id: "c1", code: "CODE", member_id: 1, external_id: "M1", status: "issued", template_id: "t", flow_id: null,
  valid_from: new Date(now.getTime() - day), valid_to: new Date(now.getTime() + day),
  type: "amount", value: 20, min_spend: 199, max_discount: null, product_ids: [], category_ids: [], ...over,
});
const item = (amount: number, productId: number | null, categoryId: number | null): PricedItem => ({ sku: `S${productId}`, amount, productId, categoryId });

describe("couponDecision", () => {
  it("gives the reason a coupon does not apply, in the order a till would check", () => {
    const cart = { total: 300, items: [] };
    expect(couponDecision(coupon(), "M2", cart, now)).toEqual({ valid: false, reason: "member_mismatch" });
    expect(couponDecision(coupon({ status: "redeemed" }), "M1", cart, now)).toEqual({ valid: false, reason: "already_redeemed" });
    expect(couponDecision(coupon({ status: "revoked" }), "M1", cart, now)).toEqual({ valid: false, reason: "revoked" });
    expect(couponDecision(coupon({ valid_to: now }), "M1", cart, now)).toEqual({ valid: false, reason: "expired" });
    expect(couponDecision(coupon({ valid_from: new Date(now.getTime() + 1) }), "M1", cart, now)).toEqual({ valid: false, reason: "not_yet_valid" });
    expect(couponDecision(coupon(), "M1", { total: 198.99, items: [] }, now)).toMatchObject({ valid: false, reason: "below_min_spend", eligibleAmount: 198.99, minSpend: 199 });
  });

  it("takes amount and percent off the eligible part, capped, never more than the cart", () => {
    expect(couponDecision(coupon(), "M1", { total: 199, items: [] }, now)).toEqual({ valid: true, discount: 20, eligibleAmount: 199 });
    expect(couponDecision(coupon({ type: "percent", value: 15, min_spend: 0 }), "M1", { total: 99.99, items: [] }, now)).toEqual({ valid: true, discount: 15, eligibleAmount: 99.99 });
    expect(couponDecision(coupon({ type: "percent", value: 50, min_spend: 0, max_discount: 30 }), "M1", { total: 100, items: [] }, now)).toMatchObject({ discount: 30 });
    expect(couponDecision(coupon({ value: 50, min_spend: 0 }), "M1", { total: 12.5, items: [] }, now)).toMatchObject({ discount: 12.5 });
  });

  it("limits scoped coupons to the products and categories in the cart", () => {
    const scoped = coupon({ product_ids: [7], category_ids: [3], min_spend: 100 });
    const items = [item(80, 7, 1), item(50, 9, 3), item(500, 2, 2), item(40, null, null)];
    expect(couponDecision(scoped, "M1", { total: 670, items }, now)).toEqual({ valid: true, discount: 20, eligibleAmount: 130 });
    expect(couponDecision(scoped, "M1", { total: 540, items: [item(500, 2, 2), item(40, null, null)] }, now)).toEqual({ valid: false, reason: "no_eligible_items" });
    expect(couponDecision(scoped, "M1", { total: 580, items: [item(80, 7, 1), item(500, 2, 2)] }, now)).toMatchObject({ valid: false, reason: "below_min_spend", eligibleAmount: 80 });
  });
});
