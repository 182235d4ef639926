// The body of a storefront webhook delivery, as the OpenAPI document's `webhooks` section
// describes it to receivers (and the tests parse what was sent with it).
import { z } from "zod";
import { timestampSchema } from "../schemas";
import { walletBannerSchema, walletCouponSchema, walletPriceSchema } from "../wallet-items";
import { MAX_EVENTS_PER_DELIVERY, PING_TOPIC } from "./topics";

const eventBase = {
  id: z.string().meta({ description: "Unique per event and the same on every retry: de-duplicate on it", example: "evt_1024" }),
  createdAt: timestampSchema,
};
const issued = {
  member: z.string().meta({ description: "The member's external id", example: "M000123" }),
  flowId: z.string().nullable().meta({ description: "The flow that issued it" }),
};

export const webhookEventSchema = z
  .discriminatedUnion("type", [
    z.object({ ...eventBase, type: z.literal("coupon.issued"), data: z.object({ ...issued, coupon: walletCouponSchema }) }),
    z.object({ ...eventBase, type: z.literal("banner.issued"), data: z.object({ ...issued, banner: walletBannerSchema }) }),
    z.object({ ...eventBase, type: z.literal("price.issued"), data: z.object({ ...issued, price: walletPriceSchema }) }),
    z.object({ ...eventBase, type: z.literal(PING_TOPIC), data: z.object({ message: z.string() }) }),
  ])
  .meta({ id: "WebhookEvent" });

export const webhookDeliverySchema = z
  .object({ events: z.array(webhookEventSchema).min(1).max(MAX_EVENTS_PER_DELIVERY).meta({ description: "Oldest first" }) })
  .meta({ id: "WebhookDelivery" });
export type WebhookDeliveryBody = z.infer<typeof webhookDeliverySchema>;
