// A member's wallet: what the flows gave them that is usable now — coupons (issued, inside their
// validity), banners by placement (inside their validity) and member prices. One statement, one
// round trip: storefronts call this on every page view.
import { z } from "zod";
import { raw, runnerFor, sharedPool, sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { memberPathSchema, timestampSchema } from "./schemas";

const walletCouponSchema = z
  .object({
    code: z.string().meta({ description: "What the member shows or the storefront sends to validate and redeem", example: "WELCOME-7KQ2M9XD" }),
    name: z.string().meta({ example: "¥20 off ¥199" }),
    description: z.string(),
    type: z.enum(["amount", "percent"]).meta({ description: "`amount`: `value` yuan off; `percent`: `value` percent off, at most `maxDiscount`" }),
    value: z.number().meta({ example: 20 }),
    minSpend: z.number().meta({ description: "The eligible amount must reach this, in yuan", example: 199 }),
    maxDiscount: z.number().nullable().meta({ description: "Cap of a percent coupon's discount, in yuan" }),
    skus: z.array(z.string()).meta({ description: "Products it applies to; with `categoryIds` both empty, it applies to the whole order" }),
    categoryIds: z.array(z.number().int()).meta({ description: "Product categories it applies to" }),
    validFrom: timestampSchema,
    validTo: timestampSchema,
    issuedAt: timestampSchema,
  })
  .meta({ id: "WalletCoupon" });

const walletBannerSchema = z
  .object({
    id: z.string().meta({ description: "Send it back with banner.shown / banner.clicked events", example: "88121" }),
    placement: z.string().meta({ example: "app_home_top" }),
    title: z.string().meta({ example: "Double points this weekend" }),
    imageUrl: z.string().meta({ example: "/banners/double-points.png" }),
    link: z.string().nullable().meta({ example: "/campaigns/double-points" }),
    validFrom: timestampSchema,
    validTo: timestampSchema,
  })
  .meta({ id: "WalletBanner" });

const walletPriceSchema = z
  .object({
    id: z.string().meta({ example: "5012" }),
    skus: z.array(z.string()).meta({ description: "Products the price applies to" }),
    categoryIds: z.array(z.number().int()).meta({ description: "Categories the price applies to" }),
    price: z.number().nullable().meta({ description: "A fixed member price in yuan, or null with `percentOff`", example: 79 }),
    percentOff: z.number().nullable().meta({ description: "Percent off the catalogue price, or null with `price`" }),
    validFrom: timestampSchema,
    validTo: timestampSchema,
  })
  .meta({ id: "WalletPrice" });

export const walletSchema = z
  .object({
    member: z.object({ externalId: z.string(), tier: z.string().meta({ example: "gold" }), pointsBalance: z.number().int() }),
    coupons: z.array(walletCouponSchema).meta({ description: "Usable now, soonest to expire first" }),
    banners: z.record(z.string(), z.array(walletBannerSchema)).meta({ description: "By placement, newest first", example: { app_home_top: [] } }),
    prices: z.array(walletPriceSchema),
  })
  .meta({ id: "Wallet" });
export type Wallet = z.infer<typeof walletSchema>;

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function readWallet(tx: Tx, externalId: string, placement: string | undefined, now: Date): Promise<Wallet> {
  const [row] = await tx.query<{ wallet: Wallet | null }>(sql`
    WITH m AS (SELECT id, external_id, tier_id, points_balance FROM members WHERE external_id = ${externalId})
    SELECT json_build_object(
      'member', json_build_object('externalId', m.external_id, 'tier', m.tier_id, 'pointsBalance', m.points_balance),
      'coupons', coalesce((
        SELECT json_agg(json_build_object(
                 'code', c.code, 'name', t.name, 'description', t.description, 'type', t.type, 'value', t.value,
                 'minSpend', t.min_spend, 'maxDiscount', t.max_discount,
                 'skus', coalesce((SELECT json_agg(p.sku ORDER BY p.sku) FROM products p WHERE p.id = ANY(t.product_ids)), '[]'::json),
                 'categoryIds', to_json(t.category_ids),
                 'validFrom', ${raw(iso("c.valid_from"))}, 'validTo', ${raw(iso("c.valid_to"))}, 'issuedAt', ${raw(iso("c.issued_at"))})
               ORDER BY c.valid_to, c.code)
        FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
        WHERE c.member_id = m.id AND c.status = 'issued' AND c.valid_from <= ${now} AND c.valid_to > ${now}), '[]'::json),
      'banners', coalesce((
        SELECT json_object_agg(g.placement, g.items) FROM (
          SELECT b.placement, json_agg(json_build_object(
                   'id', b.id::text, 'placement', b.placement, 'title', b.title, 'imageUrl', b.image_url, 'link', b.link,
                   'validFrom', ${raw(iso("b.valid_from"))}, 'validTo', ${raw(iso("b.valid_to"))})
                 ORDER BY b.created_at DESC, b.id DESC) AS items
          FROM banners b
          WHERE b.member_id = m.id AND b.valid_from <= ${now} AND b.valid_to > ${now}
            AND (${placement ?? null}::text IS NULL OR b.placement = ${placement ?? null}::text)
          GROUP BY b.placement) g), '{}'::json),
      'prices', coalesce((
        SELECT json_agg(json_build_object(
                 'id', mp.id::text,
                 'skus', coalesce((SELECT json_agg(p.sku ORDER BY p.sku) FROM products p WHERE p.id = ANY(mp.product_ids)), '[]'::json),
                 'categoryIds', to_json(mp.category_ids), 'price', mp.price, 'percentOff', mp.percent_off,
                 'validFrom', ${raw(iso("mp.valid_from"))}, 'validTo', ${raw(iso("mp.valid_to"))})
               ORDER BY mp.valid_to, mp.id)
        FROM member_prices mp
        WHERE mp.member_id = m.id AND mp.valid_from <= ${now} AND mp.valid_to > ${now}), '[]'::json)
    ) AS wallet
    FROM m`);
  if (!row?.wallet) throw new DomainError("not_found", `No member with external id ${externalId}`, { reason: "member_not_found" });
  return row.wallet;
}

export const getWallet = defineEndpoint({
  operationId: "getWallet",
  method: "GET",
  path: "/members/{externalId}/wallet",
  tag: "Wallet",
  summary: "A member's active coupons, banners and member prices",
  description:
    "Everything the member can use right now. Redeemed, revoked and expired coupons and banners or prices outside their validity never appear. " +
    "`placement` narrows the banners to one placement.",
  scope: "wallet:read",
  params: memberPathSchema,
  query: z.object({ placement: text({ min: 1, max: 64 }).optional().meta({ description: "Only this placement's banners", example: "app_home_top" }) }),
  success: { statuses: { 200: "The wallet" }, schema: walletSchema },
  problems: ["not_found"],
  async handle({ params, query, now }) {
    const wallet = await readWallet(runnerFor(sharedPool()), params.externalId, query.placement, now);
    return { status: 200, body: wallet };
  },
});
