// What a storefront sees of one coupon, banner or member price: the zod shape (documented in the
// OpenAPI file) and the SQL that builds it. The wallet and the webhook deliveries both use these,
// so an item reads the same wherever a storefront receives it.
import { z } from "zod";
import { raw, sql, type Sql } from "@/server/db/sql";
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

/** A WalletCoupon from coupon `c` joined to its template `t`. */
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
