// The loyalty program: its settings (everyone reads them, admins change them in Settings → Loyalty);
// the tier program (Settings → Tiers: read by all, previewed and saved by admins); and on the member
// page, a member's growth value and tier history, and points redeemed for coupons by staff on the
// member's behalf.
import { createTRPCRouter, permissionProcedure, protectedProcedure } from "@/server/api/trpc";
import { prismaTx } from "@/server/db/sql";
import { loyaltyProgramSchema } from "@/server/loyalty/program-schema";
import { programWithMeta, saveProgram } from "@/server/loyalty/program";
import { DomainError } from "@/server/errors";
import { actorOf } from "@/server/auth/roles";
import { audit } from "@/server/audit/service";
import { redeemForCoupons } from "@/server/loyalty/points-redemption";
import { memberGrowthInput, redeemForCouponsInput } from "@/server/loyalty/schemas";
import { tierProgramSchema } from "@/server/loyalty/tiers/program-schema";
import { saveTierProgram, tierProgramWithMeta } from "@/server/loyalty/tiers/program";
import { previewTierProgram } from "@/server/loyalty/tiers/preview";
import { memberGrowth } from "@/server/loyalty/tiers/member-growth";

export const loyaltyRouter = createTRPCRouter({
  program: protectedProcedure.query(({ ctx }) => programWithMeta(prismaTx(ctx.db))),
  saveProgram: permissionProcedure("manageSettings")
    .input(loyaltyProgramSchema)
    .mutation(async ({ ctx, input }) => {
      const templateId = input.redemption.couponTemplateId;
      if (templateId !== null && !(await ctx.db.couponTemplate.findUnique({ where: { id: templateId }, select: { id: true } }))) {
        throw new DomainError("invalid", `No coupon template ${templateId}`, { field: "redemption.couponTemplateId" });
      }
      // The program and its audit entry commit together.
      return ctx.db.$transaction(async (tx) => {
        const program = await saveProgram(prismaTx(tx), input, ctx.session.user.id);
        await tx.auditLog.create({
          data: { userId: ctx.session.user.id, actor: actorOf(ctx.session), action: "loyalty.program.save", entityType: "loyalty_program", entityId: "1", details: program },
        });
        return program;
      });
    }),
  /** Points → coupons for one member, idempotent by `key`; the redemption and its audit entry commit together. */
  redeemForCoupons: permissionProcedure("redeemMemberPoints")
    .input(redeemForCouponsInput)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const redemption = await redeemForCoupons(prismaTx(tx), input, new Date());
        if (!redemption.replayed) {
          await audit(tx, ctx.session, {
            action: "member.points_redeem",
            entityType: "member",
            entityId: String(input.memberId),
            details: { entryId: redemption.entryId, points: redemption.points, coupons: redemption.coupons.map((c) => c.code) },
          });
        }
        return redemption;
      }),
    ),
  tierProgram: protectedProcedure.query(({ ctx }) => tierProgramWithMeta(prismaTx(ctx.db))),
  /** Where the whole base would land under a candidate program: one aggregate over members. */
  previewTierProgram: permissionProcedure("manageSettings")
    .input(tierProgramSchema)
    .query(({ ctx, input }) => previewTierProgram(prismaTx(ctx.db), input)),
  saveTierProgram: permissionProcedure("manageSettings")
    .input(tierProgramSchema)
    .mutation(({ ctx, input }) =>
      // The levels, the rules and the audit entry commit together.
      ctx.db.$transaction(async (tx) => {
        const program = await saveTierProgram(prismaTx(tx), input, ctx.session.user.id);
        await tx.auditLog.create({
          data: { userId: ctx.session.user.id, actor: actorOf(ctx.session), action: "loyalty.tiers.save", entityType: "tier_program", entityId: "1", details: program },
        });
        return program;
      }),
    ),
  memberGrowth: protectedProcedure.input(memberGrowthInput).query(({ ctx, input }) => memberGrowth(prismaTx(ctx.db), input.id)),
});
