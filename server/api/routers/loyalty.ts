// The loyalty program: its settings (everyone reads them, admins change them in Settings → Loyalty).
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { prismaTx } from "@/server/db/sql";
import { loyaltyProgramSchema } from "@/server/loyalty/program-schema";
import { programWithMeta, saveProgram } from "@/server/loyalty/program";
import { DomainError } from "@/server/errors";

export const loyaltyRouter = createTRPCRouter({
  program: protectedProcedure.query(({ ctx }) => programWithMeta(prismaTx(ctx.db))),
  saveProgram: permissionProcedure("manageSettings")
    .input(loyaltyProgramSchema)
    .mutation(async ({ ctx, input }) => {
      const templateId = input.redemption.couponTemplateId;
      if (templateId !== null && !(await ctx.db.couponTemplate.findUnique({ where: { id: templateId }, select: { id: true } }))) {
        throw new DomainError("invalid", `No coupon template ${templateId}`, { field: "redemption.couponTemplateId" });
      }
      return saveProgram(prismaTx(ctx.db), input, ctx.session.user.id);
    }),
});
