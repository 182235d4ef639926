// Coupons at the till: validate against a cart, redeem exactly once, roll a redemption back.
// One rule decides whether a coupon applies and what it takes off (couponDecision); validate
// reports it, redeem enforces it under the coupon's row lock, so two tills redeeming the same
// code at once get one success and one 409. The partial unique index on live redemptions is the
// last word if anything else ever writes them.
import { z } from "zod";
import { runnerFor, sharedPool, sql, withTransaction, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { ingestEventsIn } from "@/server/events/ingest";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { withIdempotency } from "./idempotency";
import { cents, couponDecision, couponReasons, reasonMessages, type CouponRow, type PricedItem } from "./coupon-rule";
import { cartSchema, externalIdSchema, timestampSchema, type Cart } from "./schemas";

async function loadCoupon(tx: Tx, code: string, lock: boolean): Promise<CouponRow> {
  const [coupon] = await tx.query<CouponRow>(sql`
    SELECT c.id, c.code, c.member_id, m.external_id, c.status, c.valid_from, c.valid_to, c.template_id, c.flow_id,
           t.type, t.value, t.min_spend, t.max_discount, t.product_ids, t.category_ids
    FROM coupons c JOIN coupon_template_revisions t ON t.template_id = c.template_id AND t.revision = c.template_revision JOIN members m ON m.id = c.member_id
    WHERE c.code = ${code}
    ${lock ? sql`FOR UPDATE OF c` : sql``}`);
  if (!coupon) throw new DomainError("not_found", `No coupon with code ${code}`, { reason: "coupon_not_found" });
  return coupon;
}

async function priceItems(tx: Tx, cart: Cart): Promise<PricedItem[]> {
  const skus = [...new Set(cart.items.map((i) => i.sku))];
  const products = skus.length
    ? await tx.query<{ sku: string; id: number; category_id: number }>(sql`SELECT sku, id, category_id FROM products WHERE sku = ANY(${skus}::text[])`)
    : [];
  const bySku = new Map(products.map((p) => [p.sku, p]));
  return cart.items.map((i) => ({ sku: i.sku, amount: i.quantity * i.unitPrice, productId: bySku.get(i.sku)?.id ?? null, categoryId: bySku.get(i.sku)?.category_id ?? null }));
}

const codePathSchema = z.object({ code: text({ min: 1, max: 64 }).meta({ description: "The coupon code", example: "WELCOME-7KQ2M9XD" }) });

const cartRequestSchema = z
  .object({
    member: externalIdSchema.meta({ description: "The external id of the member paying" }),
    cart: cartSchema,
  })
  .meta({ id: "CouponCartRequest" });

const couponTermsSchema = z.object({
  type: z.enum(["amount", "percent"]),
  value: z.number(),
  minSpend: z.number(),
  maxDiscount: z.number().nullable(),
  validTo: timestampSchema,
});

const terms = (c: CouponRow) => ({ type: c.type, value: c.value, minSpend: c.min_spend, maxDiscount: c.max_discount, validTo: c.valid_to.toISOString() });

const validationSchema = z
  .discriminatedUnion("valid", [
    z.object({
      valid: z.literal(true),
      code: z.string(),
      discount: z.number().meta({ description: "What the coupon takes off this cart, in yuan", example: 20 }),
      eligibleAmount: z.number().meta({ description: "The part of the cart the coupon applies to", example: 298 }),
      payable: z.number().meta({ description: "The cart's total after the discount", example: 278 }),
      terms: couponTermsSchema,
    }),
    z.object({
      valid: z.literal(false),
      code: z.string(),
      reason: z.enum(couponReasons).meta({ description: "Why the coupon does not apply" }),
      message: z.string(),
      eligibleAmount: z.number().optional(),
      minSpend: z.number().optional(),
      terms: couponTermsSchema,
    }),
  ])
  .meta({ id: "CouponValidation" });

export const validateCoupon = defineEndpoint({
  operationId: "validateCoupon",
  method: "POST",
  path: "/coupons/{code}/validate",
  tag: "Coupons",
  summary: "Check a coupon against a member's cart",
  description:
    "Says whether the coupon applies — status, validity window, minimum spend, product and category scope — and, if it does, the discount it would give. " +
    "Nothing changes; an invalid coupon is a 200 answer with `valid: false` and a machine-readable `reason`.",
  scope: "coupons:redeem",
  params: codePathSchema,
  body: cartRequestSchema,
  success: { statuses: { 200: "The verdict" }, schema: validationSchema },
  problems: ["not_found", "validation_failed"],
  async handle({ params, body, now }) {
    const tx = runnerFor(sharedPool());
    const coupon = await loadCoupon(tx, params.code, false);
    const decision = couponDecision(coupon, body.member, { total: body.cart.total, items: await priceItems(tx, body.cart) }, now);
    const base = { code: coupon.code, terms: terms(coupon) };
    if (decision.valid) {
      return { status: 200, body: { valid: true as const, ...base, discount: decision.discount, eligibleAmount: decision.eligibleAmount, payable: cents(body.cart.total - decision.discount) } };
    }
    return { status: 200, body: { valid: false as const, ...base, reason: decision.reason, message: reasonMessages[decision.reason], eligibleAmount: decision.eligibleAmount, minSpend: decision.minSpend } };
  },
});

const redemptionSchema = z
  .object({
    redemptionId: z.string().meta({ description: "Keep it to roll the redemption back", example: "0b8c2f55-1a7e-4d0e-9a3c-6e5b7d2f9a10" }),
    code: z.string(),
    discount: z.number().meta({ example: 20 }),
    eligibleAmount: z.number(),
    payable: z.number().meta({ example: 278 }),
    orderId: z.string().nullable(),
    redeemedAt: timestampSchema,
  })
  .meta({ id: "Redemption" });

export const redeemCoupon = defineEndpoint({
  operationId: "redeemCoupon",
  method: "POST",
  path: "/coupons/{code}/redeem",
  tag: "Coupons",
  summary: "Redeem a coupon",
  description:
    "Redeems the coupon for the member's cart, once. Send an `Idempotency-Key`: a retry with the same key and body gets the first answer back " +
    "(with `Idempotent-Replayed: true`), the same key with another body is refused with 422. When several tills redeem one coupon at once, exactly one " +
    "succeeds; the others get 409 `already_redeemed`. A coupon that does not apply answers 422 with the `reason` validate gives. " +
    "The redemption reaches the flows as a `coupon.redeemed` event.",
  scope: "coupons:redeem",
  params: codePathSchema,
  body: cartRequestSchema.extend({ orderId: text({ min: 1, max: 100 }).optional().meta({ description: "Your order's id, to tie the redemption to it", example: "O-2026-000123" }) }).meta({ id: "RedeemRequest" }),
  idempotent: true,
  success: { statuses: { 201: "Redeemed" }, schema: redemptionSchema },
  problems: ["not_found", "conflict", "unprocessable", "missing_idempotency_key", "idempotency_key_reused"],
  async handle({ key, params, body, idempotency, now }) {
    return withIdempotency(sharedPool(), key.id, idempotency!, async (tx) => {
      const coupon = await loadCoupon(tx, params.code, true);
      const decision = couponDecision(coupon, body.member, { total: body.cart.total, items: await priceItems(tx, body.cart) }, now);
      if (!decision.valid) {
        const details = { reason: decision.reason, eligibleAmount: decision.eligibleAmount, minSpend: decision.minSpend };
        if (decision.reason === "already_redeemed") throw new DomainError("conflict", reasonMessages.already_redeemed, details);
        throw new DomainError("invalid", reasonMessages[decision.reason], details);
      }
      const [redemption] = await tx.query<{ id: string; redeemed_at: Date }>(sql`
        INSERT INTO coupon_redemptions (coupon_id, member_id, storefront_id, order_ref, cart_total, discount_amount, redeemed_at)
        VALUES (${coupon.id}, ${coupon.member_id}, ${key.id}, ${body.orderId ?? null}, ${body.cart.total}, ${decision.discount}, ${now})
        RETURNING id, redeemed_at`);
      await tx.execute(sql`UPDATE coupons SET status = 'redeemed', redeemed_at = ${now} WHERE id = ${coupon.id} AND status = 'issued'`);
      await ingestEventsIn(
        tx,
        [
          {
            id: `coupon.redeemed:${redemption!.id}`,
            memberId: coupon.member_id,
            name: "coupon.redeemed",
            occurredAt: now,
            properties: { couponId: coupon.id, code: coupon.code, templateId: coupon.template_id, flowId: coupon.flow_id, discount: decision.discount, cartTotal: body.cart.total, orderId: body.orderId ?? null },
          },
        ],
        { source: key.id, now },
      );
      return {
        status: 201,
        body: {
          redemptionId: redemption!.id,
          code: coupon.code,
          discount: decision.discount,
          eligibleAmount: decision.eligibleAmount,
          payable: cents(body.cart.total - decision.discount),
          orderId: body.orderId ?? null,
          redeemedAt: redemption!.redeemed_at.toISOString(),
        },
      };
    });
  },
});

const rollbackSchema = z
  .object({
    redemptionId: z.string(),
    code: z.string(),
    rolledBackAt: timestampSchema,
    couponStatus: z.enum(["usable", "expired"]).meta({ description: "`usable`: the member can use the coupon again; `expired`: its validity ended meanwhile" }),
  })
  .meta({ id: "Rollback" });

export const rollbackRedemption = defineEndpoint({
  operationId: "rollbackRedemption",
  method: "POST",
  path: "/redemptions/{redemptionId}/rollback",
  tag: "Coupons",
  summary: "Roll a redemption back",
  description:
    "Undoes a redemption (an order cancelled or refunded): the coupon is usable again if it is still valid, and the reversal is recorded. " +
    "A second rollback of the same redemption answers 409 `already_rolled_back`.",
  scope: "coupons:redeem",
  params: z.object({ redemptionId: text({ min: 1, max: 100 }).meta({ description: "From the redeem answer" }) }),
  success: { statuses: { 200: "Rolled back" }, schema: rollbackSchema },
  problems: ["not_found", "conflict"],
  async handle({ key, params, now }) {
    return withTransaction(sharedPool(), async (tx) => {
      const [row] = await tx.query<{ coupon_id: string; member_id: number; rolled_back_at: Date | null; code: string; valid_to: Date }>(sql`
        SELECT r.coupon_id, r.member_id, r.rolled_back_at, c.code, c.valid_to
        FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
        WHERE r.id = ${params.redemptionId} FOR UPDATE OF r, c`);
      if (!row) throw new DomainError("not_found", `No redemption ${params.redemptionId}`, { reason: "redemption_not_found" });
      if (row.rolled_back_at) throw new DomainError("conflict", "The redemption was already rolled back", { reason: "already_rolled_back" });
      await tx.execute(sql`UPDATE coupon_redemptions SET rolled_back_at = ${now} WHERE id = ${params.redemptionId}`);
      await tx.execute(sql`UPDATE coupons SET status = 'issued', redeemed_at = NULL WHERE id = ${row.coupon_id} AND status = 'redeemed'`);
      await ingestEventsIn(
        tx,
        [{ id: `coupon.redemption_rolled_back:${params.redemptionId}`, memberId: row.member_id, name: "coupon.redemption_rolled_back", occurredAt: now, properties: { couponId: row.coupon_id, code: row.code, redemptionId: params.redemptionId } }],
        { source: key.id, now },
      );
      return {
        status: 200,
        body: { redemptionId: params.redemptionId, code: row.code, rolledBackAt: now.toISOString(), couponStatus: row.valid_to > now ? ("usable" as const) : ("expired" as const) },
      };
    });
  },
});
