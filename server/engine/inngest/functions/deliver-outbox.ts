// Every minute: sends due notifications and webhook deliveries (server/engine/messaging/deliver.ts)
// and storefront webhooks (server/storefront/webhooks/deliver.ts),
// one batch per step. Batches claim their rows with SKIP LOCKED, so overlapping runs never send a
// row twice. Per-channel sending rates are the engine's (flow settings, applied when messages are
// queued): Inngest's `throttle` limits runs, not rows, so it cannot express them here.
import { sharedPool } from "@/server/db/sql";
import { deliverOutbox, deliverWebhooks } from "@/server/engine/messaging/deliver";
import { providersFromEnv, type Providers } from "@/server/engine/messaging/providers";
import { deliverStorefrontWebhooks } from "@/server/storefront/webhooks/deliver";
import { inngest } from "../client";

/** Rows per step, and steps per kind per run; the next minute's run takes the rest. */
const BATCH = 200;
const MAX_BATCHES_PER_RUN = 200;

let providers: Providers | undefined;
let warnedNoSecret = false;

export const deliverOutboxRun = inngest.createFunction(
  {
    id: "deliver-outbox",
    name: "Deliver outbox",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step, logger }) => {
    const totals = { sent: 0, failed: 0, webhooksSent: 0, webhooksFailed: 0, storefrontDelivered: 0, storefrontRetrying: 0, storefrontFailed: 0 };
    for (let n = 0; n < MAX_BATCHES_PER_RUN; n++) {
      const batch = await step.run(`outbox-${n}`, () => {
        providers ??= providersFromEnv(process.env);
        return deliverOutbox(sharedPool(), { providers, limit: BATCH });
      });
      totals.sent += batch.sent;
      totals.failed += batch.failed;
      if (batch.sent + batch.failed < BATCH) break;
    }
    // Storefront webhooks (each subscription signs with its own secret).
    for (let n = 0; n < MAX_BATCHES_PER_RUN; n++) {
      const pass = await step.run(`storefront-webhooks-${n}`, () => deliverStorefrontWebhooks(sharedPool(), { limit: BATCH }));
      totals.storefrontDelivered += pass.delivered;
      totals.storefrontRetrying += pass.retrying;
      totals.storefrontFailed += pass.failed;
      if (pass.deliveriesMade === 0 && pass.delivered + pass.retrying + pass.failed === 0) break;
    }
    const secret = process.env.MEMBERFLOW_WEBHOOK_SECRET;
    if (!secret) {
      if (!warnedNoSecret) logger.warn("MEMBERFLOW_WEBHOOK_SECRET is not set: webhook deliveries stay queued until it is");
      warnedNoSecret = true;
      return totals;
    }
    for (let n = 0; n < MAX_BATCHES_PER_RUN; n++) {
      const batch = await step.run(`webhooks-${n}`, () => deliverWebhooks(sharedPool(), { secret, limit: BATCH }));
      totals.webhooksSent += batch.sent;
      totals.webhooksFailed += batch.failed;
      if (batch.sent + batch.failed < BATCH) break;
    }
    return totals;
  },
);
