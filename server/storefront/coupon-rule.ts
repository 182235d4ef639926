// Whether a coupon applies to a member's cart now, and what it takes off: the one rule validate
// reports and redeem enforces (server/storefront/coupons.ts). Pure.
export const couponReasons = [
  "member_mismatch",
  "already_redeemed",
  "revoked",
  "expired",
  "not_yet_valid",
  "below_min_spend",
  "no_eligible_items",
] as const;
export type CouponReason = (typeof couponReasons)[number];

export const reasonMessages: Record<CouponReason, string> = {
  member_mismatch: "The coupon belongs to another member",
  already_redeemed: "The coupon was already redeemed",
  revoked: "The coupon was revoked",
  expired: "The coupon has expired",
  not_yet_valid: "The coupon is not valid yet",
  below_min_spend: "The eligible amount is below the coupon's minimum spend",
  no_eligible_items: "No item in the cart is one the coupon applies to",
};

export type CouponRow = {
  id: string;
  code: string;
  member_id: number;
  external_id: string;
  status: "issued" | "redeemed" | "expired" | "revoked";
  valid_from: Date;
  valid_to: Date;
  template_id: string;
  flow_id: string | null;
  type: "amount" | "percent";
  value: number;
  min_spend: number;
  max_discount: number | null;
  product_ids: number[];
  category_ids: number[];
};

/** The cart's items with the catalogue's product and category (unknown SKUs have neither). */
export type PricedItem = { sku: string; amount: number; productId: number | null; categoryId: number | null };

export type CouponDecision =
  | { valid: true; discount: number; eligibleAmount: number }
  | { valid: false; reason: CouponReason; eligibleAmount?: number; minSpend?: number };

export const cents = (v: number) => Math.round(v * 100) / 100;

/** Whether the coupon applies to this member's cart now, and what it takes off. Pure. */
export function couponDecision(coupon: CouponRow, memberExternalId: string, cart: { total: number; items: PricedItem[] }, now: Date): CouponDecision {
  if (coupon.external_id !== memberExternalId) return { valid: false, reason: "member_mismatch" };
  if (coupon.status === "redeemed") return { valid: false, reason: "already_redeemed" };
  if (coupon.status === "revoked") return { valid: false, reason: "revoked" };
  if (coupon.status === "expired" || coupon.valid_to <= now) return { valid: false, reason: "expired" };
  if (coupon.valid_from > now) return { valid: false, reason: "not_yet_valid" };
  const scoped = coupon.product_ids.length > 0 || coupon.category_ids.length > 0;
  const inScope = (item: PricedItem) =>
    (item.productId !== null && coupon.product_ids.includes(item.productId)) || (item.categoryId !== null && coupon.category_ids.includes(item.categoryId));
  const eligibleAmount = cents(scoped ? cart.items.filter(inScope).reduce((sum, item) => sum + item.amount, 0) : cart.total);
  if (scoped && eligibleAmount <= 0) return { valid: false, reason: "no_eligible_items" };
  if (eligibleAmount < coupon.min_spend) return { valid: false, reason: "below_min_spend", eligibleAmount, minSpend: coupon.min_spend };
  const raw = coupon.type === "amount" ? coupon.value : cents((eligibleAmount * coupon.value) / 100);
  const capped = coupon.max_discount !== null ? Math.min(raw, coupon.max_discount) : raw;
  return { valid: true, eligibleAmount, discount: cents(Math.min(capped, eligibleAmount, cart.total)) };
}

