// Storefront API keys and webhooks in Settings (admins): keys created (shown once), listed with
// last use, revoked; webhooks created (secret shown once), turned off and on, tested, their
// deliveries listed with every attempt and sent again.
import { z } from "zod";
import { createTRPCRouter, permissionProcedure } from "@/server/api/trpc";
import { createKeyInput, createStorefrontKey, listStorefrontKeys, revokeStorefrontKey } from "@/server/storefront/keys";
import {
  createStorefrontWebhook,
  createWebhookInput,
  deliveriesInput,
  deliveryIdInput,
  listDeliveries,
  listStorefrontWebhooks,
  redeliver,
  sendTestEvent,
  setWebhookEnabled,
  webhookIdInput,
} from "@/server/storefront/webhooks/subscriptions";

const admin = permissionProcedure("manageSettings");

export const storefrontRouter = createTRPCRouter({
  keys: admin.query(({ ctx }) => listStorefrontKeys(ctx.db)),
  createKey: admin.input(createKeyInput).mutation(({ ctx, input }) => createStorefrontKey(ctx.db, input, { actor: ctx.session.user.id })),
  revokeKey: admin.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    const key = await revokeStorefrontKey(ctx.db, input.id, { actor: ctx.session.user.id });
    return { id: key.id, revokedAt: key.revokedAt };
  }),

  webhooks: admin.query(({ ctx }) => listStorefrontWebhooks(ctx.db)),
  createWebhook: admin.input(createWebhookInput).mutation(({ ctx, input }) => createStorefrontWebhook(ctx.db, input, { actor: ctx.session.user.id })),
  setWebhookEnabled: admin
    .input(webhookIdInput.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setWebhookEnabled(ctx.db, input.id, input.enabled, { actor: ctx.session.user.id })),
  testWebhook: admin.input(webhookIdInput).mutation(({ ctx, input }) => sendTestEvent(ctx.db, input.id)),
  deliveries: admin.input(deliveriesInput).query(({ ctx, input }) => listDeliveries(ctx.db, input)),
  redeliver: admin.input(deliveryIdInput).mutation(({ ctx, input }) => redeliver(ctx.db, input.id, { actor: ctx.session.user.id })),
});
