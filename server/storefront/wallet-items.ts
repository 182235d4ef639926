// What a storefront sees of one coupon, banner or member price, and of a member's wallet: the zod
// shapes (documented in the OpenAPI file) and the SQL that builds them. The wallet endpoint and the
// webhook deliveries both use these, so an item reads the same wherever a storefront receives it.
// No route code here: the worker and the tests load it outside Next.js.
import { z } from "zod";
import { raw, sql, type Sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { memberTierJoin, memberTierJson, memberTierOf } from "@/server/loyalty/tiers/benefits";
import { timestampSchema } from "./schemas";

export const walletCouponSchema = z
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

export const walletBannerSchema = z
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

export const walletPriceSchema = z
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

/** An ISO 8601 UTC time with milliseconds, as the schemas above document. */
export const isoTime = (column: string): Sql => raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const skusOf = (productIds: string): Sql =>
  raw(`coalesce((SELECT json_agg(p.sku ORDER BY p.sku) FROM products p WHERE p.id = ANY(${productIds})), '[]'::json)`);

/** A WalletCoupon from coupon `c` joined to the template revision `t` it was issued under. */
export const couponJson = sql`json_build_object(
  'code', c.code, 'name', t.name, 'description', t.description, 'type', t.type, 'value', t.value,
  'minSpend', t.min_spend, 'maxDiscount', t.max_discount, 'skus', ${skusOf("t.product_ids")}, 'categoryIds', to_json(t.category_ids),
  'validFrom', ${isoTime("c.valid_from")}, 'validTo', ${isoTime("c.valid_to")}, 'issuedAt', ${isoTime("c.issued_at")})`;

/** A WalletBanner from banner `b`. */
export const bannerJson = sql`json_build_object(
  'id', b.id::text, 'placement', b.placement, 'title', b.title, 'imageUrl', b.image_url, 'link', b.link,
  'validFrom', ${isoTime("b.valid_from")}, 'validTo', ${isoTime("b.valid_to")})`;

/** A WalletPrice from member price `mp`. */
export const priceJson = sql`json_build_object(
  'id', mp.id::text, 'skus', ${skusOf("mp.product_ids")}, 'categoryIds', to_json(mp.category_ids),
  'price', mp.price, 'percentOff', mp.percent_off,
  'validFrom', ${isoTime("mp.valid_from")}, 'validTo', ${isoTime("mp.valid_to")})`;

export const walletTierSchema = z
  .object({
    id: z.string().meta({ description: "The level's key (as `member.tier`)", example: "gold" }),
    name: z.string().meta({ example: "黄金会员" }),
    nameEn: z.string().meta({ example: "Gold" }),
    benefits: z.object({
      discountPercent: z.number().meta({ description: "Percent off member prices at the storefront (0: none)", example: 5 }),
      pointsMultiplier: z.number().meta({ description: "Points an order earns are multiplied by this", example: 1.5 }),
      monthlyCoupons: z
        .object({ couponTemplateId: z.string(), count: z.number().int() })
        .nullable()
        .meta({ description: "Coupons of a template issued each calendar month (they then appear in `coupons`)" }),
      birthdayGift: z.object({ couponTemplateId: z.string() }).nullable().meta({ description: "A coupon of a template issued on the member's birthday" }),
      notes: z.array(z.string()).meta({ description: "Other benefits, as text to show", example: ["Free shipping"] }),
    }),
  })
  .meta({ id: "WalletTier", description: "The member's level and what it gives" });

export const walletSchema = z
  .object({
    member: z.object({ externalId: z.string(), tier: z.string().meta({ example: "gold" }), pointsBalance: z.number().int() }),
    tier: walletTierSchema,
    coupons: z.array(walletCouponSchema).meta({ description: "Usable now, soonest to expire first" }),
    banners: z.record(z.string(), z.array(walletBannerSchema)).meta({ description: "By placement, newest first", example: { app_home_top: [] } }),
    prices: z.array(walletPriceSchema),
  })
  .meta({ id: "Wallet" });
export type Wallet = z.infer<typeof walletSchema>;

export async function readWallet(tx: Tx, externalId: string, placement: string | undefined, now: Date): Promise<Wallet> {
  // The level is one join in the same statement; its benefits are read back as the one reader reads them.
  const [row] = await tx.query<{ wallet: (Omit<Wallet, "tier"> & { tier: Parameters<typeof memberTierOf>[0] }) | null }>(sql`
    WITH m AS (
      SELECT m.id, m.external_id, m.tier_id, m.points_balance, ${memberTierJson} AS tier
      FROM members m ${memberTierJoin} WHERE m.external_id = ${externalId})
    SELECT json_build_object(
      'member', json_build_object('externalId', m.external_id, 'tier', m.tier_id, 'pointsBalance', m.points_balance),
      'tier', m.tier,
      'coupons', coalesce((
        SELECT json_agg(${couponJson} ORDER BY c.valid_to, c.code)
        FROM coupons c JOIN coupon_template_revisions t ON t.template_id = c.template_id AND t.revision = c.template_revision
        WHERE c.member_id = m.id AND c.status = 'issued' AND c.valid_from <= ${now} AND c.valid_to > ${now}), '[]'::json),
      'banners', coalesce((
        SELECT json_object_agg(g.placement, g.items) FROM (
          SELECT b.placement, json_agg(${bannerJson} ORDER BY b.created_at DESC, b.id DESC) AS items
          FROM banners b
          WHERE b.member_id = m.id AND b.valid_from <= ${now} AND b.valid_to > ${now}
            AND (${placement ?? null}::text IS NULL OR b.placement = ${placement ?? null}::text)
          GROUP BY b.placement) g), '{}'::json),
      'prices', coalesce((
        SELECT json_agg(${priceJson} ORDER BY mp.valid_to, mp.id)
        FROM member_prices mp
        WHERE mp.member_id = m.id AND mp.valid_from <= ${now} AND mp.valid_to > ${now}), '[]'::json)
    ) AS wallet
    FROM m`);
  if (!row?.wallet) throw new DomainError("not_found", `No member with external id ${externalId}`, { reason: "member_not_found" });
  return { ...row.wallet, tier: memberTierOf(row.wallet.tier) };
}

