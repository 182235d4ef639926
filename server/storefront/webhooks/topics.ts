// What a storefront can subscribe to: what flows issue to members. Pure: Settings lists them in
// the browser.
export const webhookTopics = ["coupon.issued", "banner.issued", "price.issued"] as const;
export type WebhookTopic = (typeof webhookTopics)[number];

/** Sent by "Send test" in Settings, whatever the subscription's topics. */
export const PING_TOPIC = "webhook.ping";

export const deliveryStatuses = ["pending", "sending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Events per delivery (one signed POST). */
export const MAX_EVENTS_PER_DELIVERY = 100;
/** Attempts before a delivery is given up on (the column default); "Redeliver" in Settings allows one more. */
export const MAX_DELIVERY_ATTEMPTS = 8;

/** Wait before attempt `attempt + 1` after `attempt` failed: 30 s, 2 min, 8 min, 32 min, ~2 h, ~8.5 h, then 12 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 4 ** (attempt - 1), 12 * 3_600_000);
}

/** Headers of every delivery besides the signature: which delivery, which attempt. */
export const DELIVERY_HEADER = "X-Memberflow-Delivery";
export const ATTEMPT_HEADER = "X-Memberflow-Attempt";
