// A member's wallet: what the flows gave them that is usable now — coupons (issued, inside their
// validity), banners by placement (inside their validity) and member prices — and the level they
// hold with its benefits. One statement, one round trip: storefronts call this on every page view.
import { z } from "zod";
import { runnerFor, sharedPool } from "@/server/db/sql";
import { text } from "@/server/text";
import { defineEndpoint } from "./endpoint";
import { memberPathSchema } from "./schemas";
import { readWallet, walletSchema } from "./wallet-items";

export const getWallet = defineEndpoint({
  operationId: "getWallet",
  method: "GET",
  path: "/members/{externalId}/wallet",
  tag: "Wallet",
  summary: "A member's level and its benefits, active coupons, banners and member prices",
  description:
    "Everything the member can use right now. Redeemed, revoked and expired coupons and banners or prices outside their validity never appear. " +
    "`placement` narrows the banners to one placement. `tier` is the member's level with its benefits (discount, points multiplier, monthly coupons, birthday gift, notes).",
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
