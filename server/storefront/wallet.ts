// A member's wallet: what the flows gave them that is usable now — coupons (issued, inside their
// validity), banners by placement (inside their validity) and member prices. One statement, one
// round trip: storefronts call this on every page view.
import { z } from "zod";
import { runnerFor, sharedPool, sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { memberPathSchema } from "./schemas";
import { bannerJson, couponJson, priceJson, walletBannerSchema, walletCouponSchema, walletPriceSchema } from "./wallet-items";

export const walletSchema = z
  .object({
    member: z.object({ externalId: z.string(), tier: z.string().meta({ example: "gold" }), pointsBalance: z.number().int() }),
    coupons: z.array(walletCouponSchema).meta({ description: "Usable now, soonest to expire first" }),
    banners: z.record(z.string(), z.array(walletBannerSchema)).meta({ description: "By placement, newest first", example: { app_home_top: [] } }),
    prices: z.array(walletPriceSchema),
  })
  .meta({ id: "Wallet" });
export type Wallet = z.infer<typeof walletSchema>;

export async function readWallet(tx: Tx, externalId: string, placement: string | undefined, now: Date): Promise<Wallet> {
  const [row] = await tx.query<{ wallet: Wallet | null }>(sql`
    WITH m AS (SELECT id, external_id, tier_id, points_balance FROM members WHERE external_id = ${externalId})
    SELECT json_build_object(
      'member', json_build_object('externalId', m.external_id, 'tier', m.tier_id, 'pointsBalance', m.points_balance),
      'coupons', coalesce((
        SELECT json_agg(${couponJson} ORDER BY c.valid_to, c.code)
        FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
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
