// Storefront API keys in Settings (admins): created (the key shown once), listed with last use, revoked.
import { z } from "zod";
import { createTRPCRouter, roleProcedure } from "@/server/api/trpc";
import { createKeyInput, createStorefrontKey, listStorefrontKeys, revokeStorefrontKey } from "@/server/storefront/keys";

export const storefrontRouter = createTRPCRouter({
  keys: roleProcedure("admin").query(({ ctx }) => listStorefrontKeys(ctx.db)),
  createKey: roleProcedure("admin")
    .input(createKeyInput)
    .mutation(({ ctx, input }) => createStorefrontKey(ctx.db, input, { actor: ctx.session.user.id })),
  revokeKey: roleProcedure("admin")
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const key = await revokeStorefrontKey(ctx.db, input.id, { actor: ctx.session.user.id });
      return { id: key.id, revokedAt: key.revokedAt };
    }),
});
