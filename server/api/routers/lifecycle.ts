// Lifecycle thresholds and RFM windows (admins change them in Settings → Lifecycle, with a preview
// of the stage counts before saving), and a member's stage history.
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { prismaTx } from "@/server/db/sql";
import { runtime } from "@/server/env";
import { actorOf } from "@/server/auth/roles";
import { memberIdInput } from "@/server/members/schemas";
import { enqueueLifecycleEvaluation } from "@/server/engine/runtimes/worker/jobs";
import { LIFECYCLE_EVALUATE, type LifecycleEvaluateData } from "@/server/engine/inngest/functions/evaluate-lifecycle";
import { lifecycleSettingsSchema } from "@/server/loyalty/lifecycle/settings-schema";
import { lifecycleSettingsWithMeta, saveLifecycleSettings } from "@/server/loyalty/lifecycle/settings";
import { previewStageCounts, stageCounts, stageHistory } from "@/server/loyalty/lifecycle/evaluate";

export const lifecycleRouter = createTRPCRouter({
  settings: protectedProcedure.query(({ ctx }) => lifecycleSettingsWithMeta(prismaTx(ctx.db))),
  /** How many members each stage holds now, and would hold under `input` (one statement over the base). */
  preview: permissionProcedure("manageSettings")
    .input(lifecycleSettingsSchema)
    .query(async ({ ctx, input }) => {
      const tx = prismaTx(ctx.db);
      const now = new Date();
      return { current: await stageCounts(tx), preview: await previewStageCounts(tx, input, now) };
    }),
  /** Saves the thresholds; every member is re-evaluated at the save's instant right after (a job of the runtime). */
  save: permissionProcedure("manageSettings")
    .input(lifecycleSettingsSchema)
    .mutation(async ({ ctx, input }) => {
      // The settings, their audit entry and the worker's recompute job commit together.
      const saved = await ctx.db.$transaction(async (tx) => {
        const result = await saveLifecycleSettings(prismaTx(tx), input, ctx.session.user.id);
        await tx.auditLog.create({
          data: { userId: ctx.session.user.id, actor: actorOf(ctx.session), action: "lifecycle.settings.save", entityType: "lifecycle_settings", entityId: "1", details: result.settings },
        });
        await enqueueLifecycleEvaluation(prismaTx(tx), result.savedAt);
        return result;
      });
      if (runtime() === "inngest") {
        const { inngest } = await import("@/server/engine/inngest/client");
        await inngest.send({ name: LIFECYCLE_EVALUATE, data: { reason: "settings", at: saved.savedAt.toISOString() } satisfies LifecycleEvaluateData });
      }
      return saved;
    }),
  /** A member's stage changes, newest first. */
  memberHistory: protectedProcedure.input(memberIdInput).query(({ ctx, input }) => stageHistory(prismaTx(ctx.db), input.id)),
});
