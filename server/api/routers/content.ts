// Coupons & content: the coupon template library (list with live figures, create, edit into
// revisions, archive). Marketers and admins change it; every signed-in role reads it.
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "@/server/api/trpc";
import { couponTemplateInput } from "@/server/content/coupon-template-schema";
import { createCouponTemplate, getCouponTemplate, listCouponTemplates, setCouponTemplateArchived, updateCouponTemplate } from "@/server/content/coupon-templates";

const editor = roleProcedure("admin", "marketer");
const id = z.string().min(1).max(200);

export const contentRouter = createTRPCRouter({
  couponTemplates: protectedProcedure
    .input(z.object({ archived: z.boolean().default(false) }).default({ archived: false }))
    .query(({ ctx, input }) => listCouponTemplates(ctx.db, input)),
  couponTemplate: protectedProcedure.input(z.object({ id })).query(({ ctx, input }) => getCouponTemplate(ctx.db, input.id)),
  createCouponTemplate: editor.input(couponTemplateInput).mutation(({ ctx, input }) => createCouponTemplate(ctx.db, input, { actor: ctx.session.user.id })),
  updateCouponTemplate: editor
    .input(z.object({ id, template: couponTemplateInput }))
    .mutation(({ ctx, input }) => updateCouponTemplate(ctx.db, input.id, input.template, { actor: ctx.session.user.id })),
  archiveCouponTemplate: editor
    .input(z.object({ id, archived: z.boolean() }))
    .mutation(({ ctx, input }) => setCouponTemplateArchived(ctx.db, input.id, input.archived, { actor: ctx.session.user.id })),
});
